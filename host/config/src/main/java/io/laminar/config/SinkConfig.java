package io.laminar.config;

import io.laminar.api.DeliveryGuarantee;

/**
 * A {@code [[sink]]}: where a pipeline's output goes.
 *
 * @param name sink name
 * @param pipeline name of the pipeline it consumes (checked against pipelines by the engine)
 * @param pipelinePosition where the pipeline name is written
 * @param connector the connector that writes the rows
 * @param properties connector properties, validated later against the connector's spec
 * @param delivery the guarantee asked for (default at_least_once)
 * @param position where the {@code [[sink]]} starts
 */
public record SinkConfig(String name, String pipeline, Position pipelinePosition, ConnectorRef connector,
    RawProperties properties, DeliveryGuarantee delivery, Position position) {
}
