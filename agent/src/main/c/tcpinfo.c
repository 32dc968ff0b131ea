/*
 * The times in struct tcp_info that the JDK gives no access to. Built into the agent jar for Linux
 * when the build machine has gcc; without it the agent reports idle times as unavailable.
 */
#include <errno.h>
#include <jni.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>

static jint clamp(jlong millis) {
  return millis > 0x7fffffffL ? 0x7fffffff : millis < -0x7fffffffL ? -0x7fffffff : (jint) millis;
}

/*
 * When this side last sent and last received data, in milliseconds before the last segment that
 * arrived (after the peer's FIN nothing else arrives): the sending time in the high 32 bits (negative
 * when the data left after that segment), the receiving time in the low 32. Long.MIN_VALUE when
 * getsockopt fails.
 */
JNIEXPORT jlong JNICALL Java_dev_timewait_tcpinfo_TcpInfo_dataBeforeLastSegment(
    JNIEnv *env, jclass type, jint fd) {
  struct tcp_info info;
  socklen_t length = sizeof info;
  memset(&info, 0, sizeof info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0
      || length < offsetof(struct tcp_info, tcpi_last_ack_recv) + sizeof info.tcpi_last_ack_recv) {
    return (jlong) 0x8000000000000000ULL;
  }
  /* each is milliseconds ago */
  jlong segment = info.tcpi_last_ack_recv;
  jint sent = clamp((jlong) info.tcpi_last_data_sent - segment);
  jint received = clamp((jlong) info.tcpi_last_data_recv - segment);
  return ((jlong) sent << 32) | (jlong) (uint32_t) received;
}
