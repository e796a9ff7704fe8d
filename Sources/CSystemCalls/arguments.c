#include "CSystemCalls.h"

static int saved_argc;
static char *const *saved_argv;

/* glibc calls constructors with main's arguments. */
__attribute__((constructor)) static void uxchurn_save_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

int uxchurn_saved_argc(void) { return saved_argc; }

char *const *uxchurn_saved_argv(void) { return saved_argv; }
