/*
 * pdlab-launch: the entrypoint of the member image pdlab runs on real kubelet nodes.
 *
 * The container a kubelet starts for a model pod asks pdlab what to run instead of carrying a
 * copy of the model's start script: pdlab's driver (the model's start script, discovery client
 * and operators, in the JVM) decides, and this program carries it out.
 *
 * Protocol 2 (one TCP connection to PDLAB_DRIVER, "a.b.c.d:port", baked into the image):
 *   -> "pdlab-launch 2 <HOSTNAME> <PDLAB_CONTAINER>\n" (the container's name in its pod, which
 *      pdlab gives every container it creates as the variable PDLAB_CONTAINER: an init
 *      container and the app container of one pod ask one after the other)
 *   <- "exec <n>\n" then n lines, the argv of the program to exec (argv[0] a path), or
 *   <- "wait\n": the container runs no program; pdlab runs the model's process of it. Stay up
 *      until pdlab sends "exit <code>\n" (the model's process exited with that code: exit with
 *      it, 0 being an init container's success) or hangs up (then exit 1, as a process that
 *      ended).
 * A hang-up before either answer is the model's process exiting: exit 1 (the kubelet's restart
 * policy applies). The connection is NOT closed on exec: the exec'd program inherits it, so the
 * driver sees the container end (killed, crashed, its node lost) as the connection closing.
 *
 * Built statically (gcc -static) so it runs in a FROM-scratch image.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ARGS 256
#define MAX_LINE 8192

static int fd = -1;
static char buf[1 << 16];
static size_t have = 0;

/* Reads one line (without its newline) into out; returns 0 at EOF or on error. */
static int read_line(char *out, size_t cap) {
  for (;;) {
    char *nl = memchr(buf, '\n', have);
    if (nl != NULL) {
      size_t len = (size_t) (nl - buf);
      if (len >= cap) {
        return 0;
      }
      memcpy(out, buf, len);
      out[len] = '\0';
      memmove(buf, nl + 1, have - len - 1);
      have -= len + 1;
      return 1;
    }
    if (have == sizeof(buf)) {
      return 0;
    }
    ssize_t n = read(fd, buf + have, sizeof(buf) - have);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return 0;
    }
    have += (size_t) n;
  }
}

extern char **environ;

/* Unsets every ETCD_* variable (names collected first: unsetenv changes environ). */
static void clear_etcd_env(void) {
  static char names[MAX_ARGS][128];
  int k = 0;
  for (char **e = environ; *e != NULL && k < MAX_ARGS; e++) {
    const char *eq = strchr(*e, '=');
    size_t len = eq == NULL ? strlen(*e) : (size_t) (eq - *e);
    if (strncmp(*e, "ETCD_", 5) == 0 && len < sizeof(names[0])) {
      memcpy(names[k], *e, len);
      names[k][len] = '\0';
      k++;
    }
  }
  for (int i = 0; i < k; i++) {
    unsetenv(names[i]);
  }
}

/* PID 1 ignores signals it has no handler for: stop promptly when the kubelet stops it. */
static void on_term(int sig) {
  _exit(128 + sig);
}

int main(void) {
  signal(SIGTERM, on_term); /* exec resets it: etcd handles its own */
  signal(SIGINT, on_term);
  const char *driver = getenv("PDLAB_DRIVER");
  const char *host = getenv("HOSTNAME");
  if (driver == NULL || strchr(driver, ':') == NULL) {
    fprintf(stderr, "pdlab-launch: PDLAB_DRIVER (host:port) is not set\n");
    return 2;
  }
  char addr[64];
  size_t hl = (size_t) (strchr(driver, ':') - driver);
  if (hl >= sizeof(addr)) {
    fprintf(stderr, "pdlab-launch: bad PDLAB_DRIVER %s\n", driver);
    return 2;
  }
  memcpy(addr, driver, hl);
  addr[hl] = '\0';
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short) atoi(driver + hl + 1));
  if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
    fprintf(stderr, "pdlab-launch: bad PDLAB_DRIVER address %s\n", addr);
    return 2;
  }
  fd = socket(AF_INET, SOCK_STREAM, 0); /* no SOCK_CLOEXEC: the exec'd program keeps it */
  if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
    fprintf(stderr, "pdlab-launch: cannot reach pdlab at %s: %s\n", driver, strerror(errno));
    return 1;
  }
  char hello[512];
  const char *container = getenv("PDLAB_CONTAINER");
  int hn = snprintf(hello, sizeof(hello), "pdlab-launch 2 %s %s\n", host == NULL ? "-" : host,
      container == NULL || container[0] == '\0' ? "-" : container);
  if (hn <= 0 || (size_t) hn >= sizeof(hello) || write(fd, hello, (size_t) hn) != hn) {
    fprintf(stderr, "pdlab-launch: cannot greet pdlab at %s\n", driver);
    return 1;
  }
  char line[MAX_LINE];
  if (!read_line(line, sizeof(line))) {
    fprintf(stderr, "pdlab-launch: pdlab hung up (the model's process exited)\n");
    return 1;
  }
  if (strcmp(line, "wait") == 0) {
    if (!read_line(line, sizeof(line))) {
      return 1; /* pdlab hung up: the model's process ended */
    }
    if (strncmp(line, "exit ", 5) != 0) {
      fprintf(stderr, "pdlab-launch: unexpected answer '%s' while waiting\n", line);
      return 2;
    }
    char *end;
    long code = strtol(line + 5, &end, 10);
    if (end == line + 5 || *end != '\0' || code < 0 || code > 255) {
      fprintf(stderr, "pdlab-launch: bad exit code in '%s'\n", line);
      return 2;
    }
    return (int) code; /* the model's process exited with it */
  }
  if (strncmp(line, "exec ", 5) != 0) {
    fprintf(stderr, "pdlab-launch: unexpected answer '%s'\n", line);
    return 2;
  }
  int n = atoi(line + 5);
  if (n <= 0 || n >= MAX_ARGS) {
    fprintf(stderr, "pdlab-launch: bad argument count in '%s'\n", line);
    return 2;
  }
  static char *argv[MAX_ARGS];
  for (int i = 0; i < n; i++) {
    if (!read_line(line, sizeof(line))) {
      fprintf(stderr, "pdlab-launch: pdlab hung up during the arguments\n");
      return 1;
    }
    argv[i] = strdup(line);
  }
  argv[n] = NULL;
  /* pdlab passes etcd its whole configuration as flags, the model having read the container's
   * ETCD_* environment as etcd does (SimContainerRuntime.etcdFlag); left set, etcd 3.4 would
   * exit on each as "shadowed by corresponding command-line flag" (pkg/flags/flag.go). */
  clear_etcd_env();
  execv(argv[0], argv);
  fprintf(stderr, "pdlab-launch: cannot exec %s: %s\n", argv[0], strerror(errno));
  return 127;
}
