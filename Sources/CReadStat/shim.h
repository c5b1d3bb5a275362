// libreadstat (Debian libreadstat-dev) for SPSS .sav files. No stable Swift API:
// only CandorData imports it.
#ifndef CANDOR_CREADSTAT_SHIM_H
#define CANDOR_CREADSTAT_SHIM_H
#include <readstat.h>
#endif
