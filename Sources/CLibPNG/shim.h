// libpng (Debian libpng-dev), the reference PNG encoder.
#pragma once
#include <png.h>
