/*
 * sendfile(2) for the content app: moves bytes of a stored file to a plain TCP socket inside the kernel, without
 * the two copies a read into a buffer and a write from it make (docs/ARCHITECTURE.md, "The content hot path").
 *
 * One function, `send(socketFd, fileFd, position, length)`, synchronous and non-blocking (the socket is Node's,
 * in non-blocking mode): it returns the bytes the socket took (0 only when the file ends at `position`), or a
 * negative errno (-EAGAIN when the socket's buffer is full). Waiting for the socket and everything else stays in
 * JavaScript. Built by scripts/build-native.mjs against Node-API, so one build serves every Node version.
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <sys/sendfile.h>
#include <sys/types.h>

static napi_value send_file(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t socket_fd;
  int32_t file_fd;
  int64_t position;
  int64_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4 ||
      napi_get_value_int32(env, argv[0], &socket_fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &file_fd) != napi_ok ||
      napi_get_value_int64(env, argv[2], &position) != napi_ok ||
      napi_get_value_int64(env, argv[3], &length) != napi_ok || socket_fd < 0 || file_fd < 0 || position < 0 ||
      length < 0) {
    napi_throw_type_error(env, NULL, "send(socketFd, fileFd, position, length): four non-negative integers");
    return NULL;
  }
  off_t offset = (off_t)position;
  ssize_t sent;
  do {
    sent = sendfile(socket_fd, file_fd, &offset, (size_t)length);
  } while (sent < 0 && errno == EINTR);
  napi_value result;
  napi_create_int64(env, sent < 0 ? -(int64_t)errno : (int64_t)sent, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "send", NAPI_AUTO_LENGTH, send_file, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "send", fn) != napi_ok) return NULL;
  return exports;
}
