package io.laminar.engine;

import java.util.List;
import java.util.Set;

/**
 * A pipeline's live view: state, SQL, where it reads from and writes to, counters and watermark.
 *
 * @param watermark epoch ms; {@link Long#MIN_VALUE} before the first event, {@link Long#MAX_VALUE}
 *     once all input has ended
 */
public record PipelineStatus(String name, String state, String sql, Set<String> sources, Set<String> lookups,
    List<String> sinks, long rowsIn, long rowsOut, long lateRowsDropped, long watermark, String explain) {
}
