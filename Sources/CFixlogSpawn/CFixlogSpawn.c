// The spawn path of fixlog's step runner (Sources/FixlogCore/Verification/StepRunner+Spawn.swift).
// C because the GNU extensions it needs (POSIX_SPAWN_SETSID, addchdir_np, addclosefrom_np) are not
// visible through Swift's Glibc module, and syscall(2) is variadic.
#define _GNU_SOURCE
#include "CFixlogSpawn.h"
#include <errno.h>
#if defined(__linux__)
#include <fcntl.h>
#include <unistd.h>
#endif

#if defined(__linux__) && defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define FIXLOG_HAVE_SPAWN 1
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

int fixlog_spawn_available(void) {
#ifdef FIXLOG_HAVE_SPAWN
    return 1;
#else
    return 0;
#endif
}

int fixlog_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int out_fd, int err_fd) {
#ifdef FIXLOG_HAVE_SPAWN
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) { posix_spawn_file_actions_destroy(&actions); return rc; }

    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    // SETSIGDEF with every signal: signals fixlog ignores would otherwise stay ignored across exec
    // (handlers are reset by glibc anyway). SETSIGMASK: the caller's thread may block some.
    if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    if (rc == 0 && cwd != NULL) rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);
    // Whatever the parent holds, even a descriptor another thread opened without O_CLOEXEC.
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
#else
    (void)pid; (void)path; (void)argv; (void)envp; (void)cwd; (void)out_fd; (void)err_fd;
    return ENOSYS;
#endif
}

int fixlog_pidfd_open(pid_t pid) {
#if defined(FIXLOG_HAVE_SPAWN) && defined(SYS_pidfd_open)
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int fixlog_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    (void)fds;
    errno = ENOSYS;
    return -1;
#endif
}
