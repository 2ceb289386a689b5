/* SPDX-License-Identifier: MIT */
/*
 * Process-level registrations a linked program gets from
 * libc_nonshared.a: pthread_atfork handlers around fork(), and
 * at_quick_exit handlers run by quick_exit().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int prepared, in_parent, in_child;

static void prepare(void) { prepared++; }
static void parent(void) { in_parent++; }
static void child(void) { in_child++; }

static void last_words(void)
{
	printf("quick_exit handler: %d fork(s) prepared\n", prepared);
	fflush(stdout);
}

int main(void)
{
	int status = 0;
	pid_t pid;

	if (pthread_atfork(prepare, parent, child) != 0)
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0)
		_exit(prepared == 1 && in_child == 1 && in_parent == 0 ? 7 : 8);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 3;
	printf("child exited %d; parent: prepared %d, parent handler %d, child handler %d\n",
	       WEXITSTATUS(status), prepared, in_parent, in_child);
	if (at_quick_exit(last_words) != 0)
		return 4;
	fflush(stdout);
	quick_exit(5);
}
