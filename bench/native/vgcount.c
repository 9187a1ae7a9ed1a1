/* JNI client requests for bench/run-instructions.sh: callgrind counts only between start and stop. */
#include <jni.h>
#include <valgrind/callgrind.h>
JNIEXPORT void JNICALL Java_io_laminar_bench_InstrBench_startCounting(JNIEnv *e, jclass c) {
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_ZERO_STATS;
}
JNIEXPORT void JNICALL Java_io_laminar_bench_InstrBench_stopCounting(JNIEnv *e, jclass c) {
  CALLGRIND_DUMP_STATS_AT("measured");
  CALLGRIND_STOP_INSTRUMENTATION;
}
