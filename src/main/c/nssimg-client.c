/*
 * nssimg-client: the thin front of the resident nssimg (dev.nssimg.daemon).
 *
 * bin/nssimg execs it as
 *     nssimg-client JAR NOPTS JAVA_OPT... ARG...
 * It sends ARGs, the working directory and the environment to the daemon
 * for this user and this jar build over a Unix socket, starting the daemon
 * first when none answers; then it relays the daemon's stdout and stderr,
 * forwards SIGINT, SIGTERM and SIGHUP, and exits with the daemon's exit code.
 * Whenever the daemon cannot be used (private directory unsafe, daemon does
 * not start) or does not serve a command (run, --verbose), it execs the
 * plain JVM instead: `java JAVA_OPT... -jar JAR ARG...`.
 *
 * The socket lives in $XDG_RUNTIME_DIR/nssimg (else /tmp/nssimg-UID), a
 * directory only this user may enter, named after the jar's identity (device,
 * inode, size, mtime), so a rebuilt jar gets a fresh daemon.
 *
 * Protocol: see Wire.java. Build: cc -O2 -o target/nssimg-client this file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *jar;
static int nopts;
static char **opts;
static int nargs;
static char **args;
static int sigpipe_fds[2] = {-1, -1};

/* "java" and the launcher's JVM options, with room for `more` arguments and the closing NULL. */
static char **java_argv(int more, int *n) {
    char **argv = calloc((size_t)(nopts + more + 2), sizeof(char *));
    if (!argv) return NULL;
    *n = 0;
    argv[(*n)++] = "java";
    for (int i = 0; i < nopts; i++) argv[(*n)++] = opts[i];
    return argv;
}

/* Runs the command in a JVM of its own: the launcher's plain path. */
static void exec_direct(void) {
    int n;
    char **argv = java_argv(nargs + 2, &n);
    if (!argv) {
        perror("nssimg");
        exit(3);
    }
    argv[n++] = "-jar";
    argv[n++] = (char *)jar;
    for (int i = 0; i < nargs; i++) argv[n++] = args[i];
    argv[n] = NULL;
    execvp("java", argv);
    fprintf(stderr, "nssimg: cannot run java: %s\n", strerror(errno));
    exit(3);
}

/* $XDG_RUNTIME_DIR/nssimg or /tmp/nssimg-UID, created private; 0 when it is unsafe to use. */
static int private_dir(char *out, size_t size) {
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg == '/') {
        snprintf(out, size, "%s/nssimg", xdg);
    } else {
        snprintf(out, size, "/tmp/nssimg-%u", (unsigned)getuid());
    }
    if (mkdir(out, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "nssimg: not using the daemon: cannot create %s: %s\n", out, strerror(errno));
        return 0;
    }
    struct stat st;
    if (lstat(out, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077) != 0) {
        fprintf(stderr, "nssimg: not using the daemon: %s is not a directory private to this user\n", out);
        return 0;
    }
    return 1;
}

/* A name for this jar build: FNV-1a over its device, inode, size and mtime. */
static int jar_key(char *out, size_t size) {
    struct stat st;
    if (stat(jar, &st) != 0) return 0;
    uint64_t v[5] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                     (uint64_t)st.st_mtim.tv_nsec};
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p = (const unsigned char *)v;
    for (size_t i = 0; i < sizeof v; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, size, "d-%016llx", (unsigned long long)h);
    return 1;
}

#define SOCKET_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))

static int connect_to(const char *path) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) return -1;
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Starts the daemon detached (own session, stdio to its log), so it holds no terminal or pipe of ours. */
static void spawn_daemon(const char *sock, const char *log) {
    pid_t pid = fork();
    if (pid < 0) return;
    if (pid == 0) {
        setsid();
        if (fork() != 0) _exit(0);
        int nul = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (nul < 0 || out < 0) _exit(127);
        dup2(nul, 0);
        dup2(out, 1);
        dup2(out, 2);
        for (int fd = 3; fd < 1024; fd++) close(fd);
        int n;
        char **argv = java_argv(10, &n);
        if (!argv) _exit(127);
        /* A small young generation and a heap that gives memory back: the daemon lives long, and
           what it keeps between invocations is little (measured: ~80 MiB RSS instead of ~140). */
        argv[n++] = "-Xms16m";
        argv[n++] = "-Xmx192m";
        argv[n++] = "-XX:MaxNewSize=16m";
        argv[n++] = "-XX:MaxHeapFreeRatio=30";
        argv[n++] = "-XX:MinHeapFreeRatio=10";
        argv[n++] = "-cp";
        argv[n++] = (char *)jar;
        argv[n++] = "dev.nssimg.DaemonMain";
        argv[n++] = (char *)sock;
        argv[n++] = (char *)jar;
        argv[n] = NULL;
        execvp("java", argv);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

/* Connects to the daemon, starting it when none answers; -1 when it cannot be had. */
static int daemon_socket(void) {
    char dir[4096], key[64], sock[4200], lock[4200], log[4200];
    if (!private_dir(dir, sizeof dir) || !jar_key(key, sizeof key)) return -1;
    snprintf(sock, sizeof sock, "%s/%s.sock", dir, key);
    snprintf(lock, sizeof lock, "%s/%s.lock", dir, key);
    snprintf(log, sizeof log, "%s/%s.log", dir, key);
    if (strlen(sock) >= SOCKET_PATH_MAX) {
        fprintf(stderr, "nssimg: not using the daemon: the socket path %s is too long for a Unix socket\n", sock);
        return -1;
    }
    int fd = connect_to(sock);
    if (fd >= 0) return fd;
    /* One starter at a time: the others wait on the lock, then find it running. */
    int lk = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lk < 0 || flock(lk, LOCK_EX) != 0) {
        if (lk >= 0) close(lk);
        return -1;
    }
    fd = connect_to(sock);
    if (fd < 0) {
        spawn_daemon(sock, log);
        struct timespec nap = {0, 5 * 1000 * 1000};
        for (int i = 0; i < 3000 && fd < 0; i++) { /* up to 15 s: a cold JVM on a busy machine */
            nanosleep(&nap, NULL);
            fd = connect_to(sock);
        }
        if (fd < 0) fprintf(stderr, "nssimg: the daemon did not start (see %s); running without it\n", log);
    }
    close(lk);
    return fd;
}

/* Output that cannot be written (a closed pipe) is dropped, as the JVM's PrintWriter does. */
static void write_all(int fd, const char *p, size_t n, int *dead) {
    while (n > 0 && !*dead) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            *dead = 1;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static int read_full(int fd, void *buf, size_t n) {
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        p += r;
        n -= (size_t)r;
    }
    return 1;
}

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const void *data, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            perror("nssimg");
            exit(3);
        }
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_int(struct buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    put(b, x, 4);
}

static void put_str(struct buf *b, const char *s) {
    size_t n = strlen(s);
    put_int(b, (uint32_t)n);
    put(b, s, n);
}

static void on_signal(int sig) {
    unsigned char s = (unsigned char)sig;
    int saved = errno;
    if (write(sigpipe_fds[1], &s, 1) < 0) { /* nothing to do in a handler */
    }
    errno = saved;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: nssimg-client JAR NOPTS JAVA_OPT... ARG...\n");
        return 2;
    }
    /* A shell starts background commands with SIGINT ignored, and a JVM cannot take back a signal it was started
       ignoring: nssimg would then never stop its build or remove its container on `kill -INT`. Like the docker CLI
       (Go's signal.Notify), nssimg handles SIGINT and SIGTERM whatever it inherited; SIGHUP (nohup) is left alone. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    jar = argv[1];
    nopts = atoi(argv[2]);
    if (nopts < 0 || 3 + nopts > argc) {
        fprintf(stderr, "nssimg-client: bad option count %s\n", argv[2]);
        return 2;
    }
    opts = argv + 3;
    args = argv + 3 + nopts;
    nargs = argc - 3 - nopts;

    /* Commands the daemon never serves (Session.direct): run reads the terminal, daemon manages daemons.
       Going straight to a JVM also keeps `daemon status` from starting a daemon. */
    for (int i = 0; i < nargs; i++) {
        if (args[i][0] == '-') continue;
        if (strcmp(args[i], "run") == 0 || strcmp(args[i], "daemon") == 0) exec_direct();
        break;
    }
    char cwd[8192];
    if (!getcwd(cwd, sizeof cwd)) exec_direct();
    int fd = daemon_socket();
    if (fd < 0) exec_direct();

    struct buf req = {0};
    put(&req, "NSS1", 4);
    put_int(&req, (uint32_t)nargs);
    for (int i = 0; i < nargs; i++) put_str(&req, args[i]);
    put_str(&req, cwd);
    uint32_t nenv = 0;
    for (char **e = environ; *e; e++) nenv++;
    put_int(&req, nenv);
    for (char **e = environ; *e; e++) put_str(&req, *e);

    signal(SIGPIPE, SIG_IGN);
    if (pipe2(sigpipe_fds, O_CLOEXEC) != 0) exec_direct();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int dead_out = 0, dead_err = 0, dead_sock = 0, signals = 0, last_signal = 0;
    write_all(fd, req.p, req.len, &dead_sock);
    free(req.p);
    if (dead_sock) {
        close(fd);
        exec_direct();
    }

    char *payload = NULL;
    size_t payload_cap = 0;
    int accepted = 0; /* the daemon said it runs the command ('A'); before that, a hang-up means it never started it */
    for (;;) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {sigpipe_fds[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            perror("nssimg: poll");
            return 3;
        }
        if (p[1].revents & POLLIN) {
            unsigned char s;
            if (read(sigpipe_fds[0], &s, 1) == 1) {
                last_signal = s;
                if (++signals > 1) {
                    /* Asked twice: stop waiting. The daemon goes on stopping the command (we hang up). */
                    fprintf(stderr, "nssimg: interrupted again; not waiting for the daemon to finish stopping the command\n");
                    return 128 + s;
                }
                struct buf f = {0};
                put(&f, "S", 1);
                put_int(&f, s);
                int dead = 0;
                write_all(fd, f.p, f.len, &dead);
                free(f.p);
            }
        }
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        unsigned char head[5];
        if (!read_full(fd, head, 5)) break;
        uint32_t len = ((uint32_t)head[1] << 24) | ((uint32_t)head[2] << 16) | ((uint32_t)head[3] << 8) | head[4];
        if (len > payload_cap) {
            payload_cap = len;
            payload = realloc(payload, payload_cap);
            if (!payload) {
                perror("nssimg");
                return 3;
            }
        }
        if (len > 0 && !read_full(fd, payload, len)) break;
        switch (head[0]) {
        case 'O':
            write_all(1, payload, len, &dead_out);
            break;
        case 'E':
            write_all(2, payload, len, &dead_err);
            break;
        case 'X': {
            if (len != 4) break;
            unsigned char *c = (unsigned char *)payload;
            return (int)(((uint32_t)c[0] << 24) | ((uint32_t)c[1] << 16) | ((uint32_t)c[2] << 8) | c[3]);
        }
        case 'A':
            accepted = 1;
            break;
        case 'D':
            close(fd);
            exec_direct();
            break;
        default:
            fprintf(stderr, "nssimg: unexpected frame %d from the daemon\n", head[0]);
            return 3;
        }
    }
    if (!accepted && !signals) {
        /* The daemon ended (idle, replaced) before it took the command: nothing ran, so run it here. */
        close(fd);
        exec_direct();
    }
    if (!accepted) {
        /* Interrupted before the daemon took the command: nothing ran, and nothing is left to stop. */
        return 128 + last_signal;
    }
    fprintf(stderr, "nssimg: the daemon ended in the middle of the command (see its log in $XDG_RUNTIME_DIR/nssimg"
                    " or /tmp/nssimg-%u); rerun, or set NSSIMG_DAEMON=0\n", (unsigned)getuid());
    return 3;
}
