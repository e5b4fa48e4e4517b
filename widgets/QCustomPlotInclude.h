#pragma once

// qcustomplot.h spells Qt's `signals` and `foreach` keywords, which QT_NO_KEYWORDS (needed so
// that Qt's macros never meet LibTorch's headers) removes; lend them for this header only.
#include <QtGlobal>

#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef foreach
