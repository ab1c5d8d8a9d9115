#ifndef CFIXLOGSPAWN_H
#define CFIXLOGSPAWN_H
#include <sys/types.h>

/// Whether fixlog_spawn works on this system: Linux with glibc 2.34 or later (posix_spawn with
/// addchdir_np, addclosefrom_np and POSIX_SPAWN_SETSID). 0 elsewhere.
int fixlog_spawn_available(void);

/// Starts `path` with `argv` and `envp` (both NULL-terminated) through posix_spawn, which on glibc clones
/// with CLONE_VM | CLONE_VFORK (no copy of the parent's page tables). The child:
/// - runs in a new session (setsid: sid = pgid = its pid, no controlling terminal);
/// - has every signal at its default action and none blocked;
/// - has stdin on /dev/null, stdout on `out_fd`, stderr on `err_fd`, its working directory `cwd`,
///   and every other descriptor (3 and up) closed before exec.
/// Returns 0 and sets `*pid`, or an errno value (a failed chdir or exec is reported here, not by the child).
/// ENOSYS when fixlog_spawn_available() is 0.
int fixlog_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int out_fd, int err_fd);

/// pidfd_open(2): a close-on-exec descriptor that polls readable once process `pid` has exited.
/// -1 with errno set on failure (ENOSYS before Linux 5.3, or on other systems).
int fixlog_pidfd_open(pid_t pid);

/// pipe2(fds, O_CLOEXEC): both ends are close-on-exec from the start, so a spawn on another thread never
/// inherits them. 0, or -1 with errno set.
int fixlog_pipe_cloexec(int fds[2]);

#endif
