// libedit through its readline-compatible API, plus wrappers for the C-variadic calls
// (el_set, history) that Swift cannot call directly.
#pragma once
#include <stdio.h>
#include <editline/readline.h>
#include <histedit.h>
