// libedit through its readline-compatible API (Debian libedit-dev). The readline calls need
// no wrappers; small inline helpers set its globals from Swift.
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

/// Sets the characters that end a word for completion (libedit keeps the pointer).
static inline void clibedit_set_word_breaks(const char *breaks) {
    rl_completer_word_break_characters = strdup(breaks);
    rl_basic_word_break_characters = rl_completer_word_break_characters;
}

/// The line being edited (for completion that looks at the whole line).
static inline const char *clibedit_line_buffer(void) { return rl_line_buffer; }
static inline int clibedit_point(void) { return rl_point; }

/// Names the program for libedit, installs the completion function, and makes completion
/// append nothing after a match (the REPL's words are member chains, not shell words).
static inline void clibedit_configure(const char *name, rl_compentry_func_t *entry) {
    rl_readline_name = strdup(name);
    rl_completion_entry_function = entry;
    rl_completion_append_character = 0;
}
