/* on_tty: run a command on a new pseudo-terminal, as a person's terminal
 * would: `exit` typed ahead, its output read and dropped, its status
 * returned. bench/shell.sh times shells' starts through it, since fish
 * draws no prompt (and so runs no prompt hook) when stdin is not a
 * terminal. Usage: on_tty COMMAND [ARG...] */
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: on_tty COMMAND [ARG...]\n");
        return 2;
    }
    struct winsize size = {.ws_row = 50, .ws_col = 200};
    int terminal;
    pid_t child = forkpty(&terminal, NULL, NULL, &size);
    if (child < 0) {
        perror("on_tty: forkpty");
        return 2;
    }
    if (child == 0) {
        execvp(argv[1], argv + 1);
        perror("on_tty: exec");
        _exit(127);
    }
    const char *typed = "exit\n";
    if (write(terminal, typed, strlen(typed)) < 0) {
        perror("on_tty: write");
    }
    char buffer[4096];
    /* Until the shell has gone: then reading the terminal fails (EIO). */
    while (read(terminal, buffer, sizeof buffer) > 0) {
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
