/* SPDX-License-Identifier: MIT */
/*
 * /init of the intel-npu-mtl Linux guest images (images/linux/).
 *
 * A small static program (musl-gcc -static) that runs as PID 1 from the
 * initramfs. It mounts proc, sysfs and devtmpfs, then executes the directives
 * of /etc/npu-init.conf, one per line, in order:
 *
 *   echo TEXT...               print a line
 *   setenv NAME VALUE          environment for the programs run below
 *   insmod FILE [PARAM=V...]   finit_module(); "already loaded" is fine
 *   bind-vfio VID:DID...       hand every PCI function with one of these IDs
 *                              to vfio-pci (driver_override + drivers_probe),
 *                              unbinding any other driver first
 *   timeout SECONDS            time limit for each following run (0: none)
 *   run PROGRAM [ARG...]       run it on the console and wait; exit status
 *                              N != 0, death by a signal (128+sig) or the
 *                              time limit (124) fails the verdict
 *   dmesg WORD...              print the kernel log lines that contain any WORD
 *   shell                      interactive shell (/bin/sh) on the console,
 *                              with job control; returns when it exits
 *   verdict NAME               print "NAME: PASS", or "NAME: FAIL rc=N" with
 *                              the first failure's code
 *   poweroff                   write the verdict's rc to isa-debug-exit
 *                              (I/O port 0xf4 via /dev/port: QEMU exits with
 *                              status rc*2+1), else power the machine off
 *
 * Lines starting with '#' and blank lines are ignored; words are separated by
 * blanks (no quoting). The end of the file implies poweroff. The kernel
 * command line may add `npuinit.shell=1` (a shell after the directives,
 * before poweroff) and `npuinit.trace=1` (echo each directive).
 *
 * Failure codes of init's own steps (apart from the programs' own exit codes
 * 1..99): 100 bad directive, 101 insmod failed, 102 bind-vfio failed, 103 a
 * program could not be started, 124 a program timed out, 128+N killed by
 * signal N (isa-debug-exit carries at most 127).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define CONF        "/etc/npu-init.conf"
#define MAX_ARGS    64

static int verdict_rc;          /* first failure, 0 = all passed */
static unsigned timeout_s;
static int trace;

static double uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "[%8.3f] init: ", uptime());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	strncat(buf, "\n", sizeof(buf) - strlen(buf) - 1);
	if (write(1, buf, strlen(buf)) < 0)
		return;
}

static void fail_with(int rc)
{
	if (!verdict_rc)
		verdict_rc = rc;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static void mount_fs(const char *src, const char *dir, const char *type)
{
	unsigned long flags = MS_NOSUID | (strcmp(type, "devtmpfs") ? MS_NOEXEC : 0);

	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, NULL) < 0 &&
	    errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

/* ---- directives ----------------------------------------------------------- */

static void do_insmod(int argc, char **argv)
{
	char params[1024] = "";
	int fd;

	for (int i = 2; i < argc; i++) {
		strncat(params, argv[i], sizeof(params) - strlen(params) - 2);
		if (i + 1 < argc)
			strcat(params, " ");
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("insmod %s: %s", argv[1], strerror(errno));
		fail_with(101);
		return;
	}
	if (syscall(SYS_finit_module, fd, params, 0) < 0 && errno != EEXIST) {
		say("insmod %s %s: %s (see the kernel log)", argv[1], params, strerror(errno));
		fail_with(101);
	} else if (trace) {
		say("loaded %s %s", argv[1], params);
	}
	close(fd);
}

static long read_hex(const char *path)
{
	char buf[32];

	if (read_str(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 16);
}

static void do_bind_vfio(int argc, char **argv)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	int found = 0;

	if (!d) {
		say("bind-vfio: /sys/bus/pci/devices: %s", strerror(errno));
		fail_with(102);
		return;
	}
	while ((de = readdir(d))) {
		char path[300], drv[300] = "", *slash;
		long v, dev;
		int match = 0;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		v = read_hex(path);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", de->d_name);
		dev = read_hex(path);
		for (int i = 1; i < argc; i++) {
			unsigned wv, wd;
			if (sscanf(argv[i], "%x:%x", &wv, &wd) == 2 && wv == v && wd == dev)
				match = 1;
		}
		if (!match)
			continue;
		found++;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", de->d_name);
		n = readlink(path, drv, sizeof(drv) - 1);
		drv[n > 0 ? n : 0] = 0;
		slash = strrchr(drv, '/');
		if (slash && !strcmp(slash + 1, "vfio-pci")) {
			say("%s (%04lx:%04lx) already bound to vfio-pci", de->d_name, v, dev);
			continue;
		}
		if (slash) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", de->d_name);
			write_str(path, de->d_name);
			say("%s: unbound from %s", de->d_name, slash + 1);
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", de->d_name);
		if (write_str(path, "vfio-pci") < 0) {
			say("bind-vfio: %s: %s", path, strerror(errno));
			fail_with(102);
			continue;
		}
		write_str("/sys/bus/pci/drivers_probe", de->d_name);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", de->d_name);
		n = readlink(path, drv, sizeof(drv) - 1);
		drv[n > 0 ? n : 0] = 0;
		slash = strrchr(drv, '/');
		if (slash && !strcmp(slash + 1, "vfio-pci")) {
			say("%s (%04lx:%04lx) bound to vfio-pci", de->d_name, v, dev);
		} else {
			char grp[300];
			struct stat st;
			snprintf(grp, sizeof(grp), "/sys/bus/pci/devices/%s/iommu_group", de->d_name);
			say("bind-vfio: %s (%04lx:%04lx) did not bind to vfio-pci%s", de->d_name, v, dev,
			    stat(grp, &st) < 0 ? ": it has no IOMMU group (QEMU: -device intel-iommu,intremap=on; kernel: intel_iommu=on)" :
			    access("/sys/bus/pci/drivers/vfio-pci", F_OK) < 0 ? ": vfio-pci is not loaded" : "");
			fail_with(102);
		}
	}
	closedir(d);
	if (!found) {
		say("bind-vfio: no PCI device with ID %s%s found (QEMU: -device intel-npu-mtl)",
		    argc > 1 ? argv[1] : "?", argc > 2 ? " or the others listed" : "");
		/* not a failure by itself: the payload reports the missing device */
	}
}

/* Run argv; returns its rc (exit status, 128+signal, 124 on timeout). */
static int run_prog(char **argv, int interactive)
{
	sigset_t chld, old;
	pid_t pid;
	int status = 0;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid < 0) {
		say("fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 103;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (interactive) {
			/* a session with the console's real tty as controlling tty */
			char active[128] = "ttyS0", dev[160], *last;
			int fd;

			setsid();
			if (read_str("/sys/class/tty/console/active", active, sizeof(active)) == 0) {
				last = strrchr(active, ' ');
				memmove(active, last ? last + 1 : active, strlen(last ? last + 1 : active) + 1);
			}
			snprintf(dev, sizeof(dev), "/dev/%s", active);
			fd = open(dev, O_RDWR);
			if (fd >= 0) {
				ioctl(fd, TIOCSCTTY, 1);
				dup2(fd, 0); dup2(fd, 1); dup2(fd, 2);
				if (fd > 2)
					close(fd);
			}
		} else {
			setpgid(0, 0);
		}
		execv(argv[0], argv);
		fprintf(stderr, "init: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	double deadline = uptime() + (timeout_s ? timeout_s : 3600 * 24);
	for (;;) {
		double left = deadline - uptime();
		struct timespec ts = { (time_t)(left > 0 ? left : 0),
				       (long)((left > 0 ? left - (long)left : 0) * 1e9) };
		pid_t w;
		int sig;

		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (interactive) {
			/* reap the shell's orphans too */
			w = waitpid(-1, &status, 0);
			if (w == pid)
				break;
			continue;
		}
		sig = sigtimedwait(&chld, NULL, &ts);
		if (sig < 0 && errno == EAGAIN && timeout_s && uptime() >= deadline) {
			say("%s: no result after %u s: killing it", argv[0], timeout_s);
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return 124;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? 103 : WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 103;
}

static void do_run(int argc, char **argv)
{
	int rc;

	(void)argc;
	rc = run_prog(argv + 1, 0);
	if (rc) {
		say("%s exited with rc=%d%s", argv[1], rc,
		    rc == 124 ? " (timeout)" : rc > 128 ? " (killed by a signal)" : "");
		fail_with(rc);
	}
}

static void do_dmesg(int argc, char **argv)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save = NULL;
	int n;

	if (size <= 0)
		size = 1 << 20;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		say("dmesg: %s", strerror(errno));
		free(buf);
		return;
	}
	buf[n] = 0;
	say("---- kernel log lines containing %s%s ----", argv[1], argc > 2 ? " (or the other words)" : "");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int hit = 0;
		for (int i = 1; i < argc; i++)
			hit |= strstr(line, argv[i]) != NULL;
		if (hit && (write(1, line, strlen(line)) < 0 || write(1, "\n", 1) < 0))
			break;
	}
	say("---- end of kernel log lines ----");
	free(buf);
}

static void do_shell(void)
{
	char *argv[] = { "/bin/sh", "-l", NULL };

	if (access(argv[0], X_OK) < 0) {
		say("shell: no /bin/sh in this image");
		return;
	}
	say("starting a shell; exit it (or press Ctrl-D) to power off");
	run_prog(argv, 1);
}

static void do_poweroff(void)
{
	int fd, con;
	unsigned char b = (unsigned char)(verdict_rc > 127 ? 127 : verdict_rc);

	sync();
	con = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (con >= 0) {
		tcdrain(con);   /* the verdict must leave the UART before QEMU exits */
		close(con);
	}
	fd = open("/dev/port", O_WRONLY);
	if (fd >= 0) {
		if (pwrite(fd, &b, 1, 0xf4) == 1) {
			/* QEMU exits here when the machine has isa-debug-exit at 0xf4 */
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		close(fd);
	}
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void verdict(const char *name)
{
	if (verdict_rc)
		printf("%s: FAIL rc=%d\n", name, verdict_rc);
	else
		printf("%s: PASS\n", name);
	fflush(stdout);
}

static int cmdline_flag(const char *key)
{
	char buf[4096], *p;

	if (read_str("/proc/cmdline", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, key);
	return p && (p == buf || p[-1] == ' ') && p[strlen(key)] == '=' && p[strlen(key) + 1] == '1';
}

int main(void)
{
	FILE *f;
	char line[2048];
	int lineno = 0, want_shell;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setenv("HOME", "/", 1);
	if (!getenv("TERM"))
		setenv("TERM", "linux", 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	trace = cmdline_flag("npuinit.trace");
	want_shell = cmdline_flag("npuinit.shell");
	say("start (intel-npu-mtl guest init)");

	f = fopen(CONF, "r");
	if (!f) {
		say("%s: %s", CONF, strerror(errno));
		fail_with(100);
	}
	while (f && fgets(line, sizeof(line), f)) {
		char *argv[MAX_ARGS + 1], *save = NULL, *tok;
		int argc = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "echo ", 5) || !strcmp(line, "echo")) {
			printf("%s\n", line[4] ? line + 5 : "");
			continue;
		}
		for (tok = strtok_r(line, " \t", &save); tok && argc < MAX_ARGS; tok = strtok_r(NULL, " \t", &save))
			argv[argc++] = tok;
		argv[argc] = NULL;
		if (!argc || argv[0][0] == '#')
			continue;
		if (trace) {
			char all[2048] = "";
			for (int i = 0; i < argc; i++) {
				strncat(all, argv[i], sizeof(all) - strlen(all) - 2);
				strcat(all, " ");
			}
			say("%s", all);
		}
		if (!strcmp(argv[0], "insmod") && argc >= 2)
			do_insmod(argc, argv);
		else if (!strcmp(argv[0], "bind-vfio") && argc >= 2)
			do_bind_vfio(argc, argv);
		else if (!strcmp(argv[0], "setenv") && argc == 3)
			setenv(argv[1], argv[2], 1);
		else if (!strcmp(argv[0], "timeout") && argc == 2)
			timeout_s = (unsigned)strtoul(argv[1], NULL, 0);
		else if (!strcmp(argv[0], "run") && argc >= 2)
			do_run(argc, argv);
		else if (!strcmp(argv[0], "dmesg") && argc >= 2)
			do_dmesg(argc, argv);
		else if (!strcmp(argv[0], "shell"))
			do_shell();
		else if (!strcmp(argv[0], "verdict") && argc == 2)
			verdict(argv[1]);
		else if (!strcmp(argv[0], "poweroff"))
			break;
		else {
			say("%s:%d: unknown or malformed directive '%s'", CONF, lineno, argv[0]);
			fail_with(100);
		}
	}
	if (f)
		fclose(f);
	if (want_shell)
		do_shell();
	say("done, rc=%d; powering off", verdict_rc);
	do_poweroff();
	return 0;
}
