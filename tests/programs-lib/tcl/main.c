/* SPDX-License-Identifier: MIT */
#include <tcl.h>
#include <stdio.h>
int main(int argc, char **argv){ (void)argc; Tcl_FindExecutable(argv[0]); Tcl_Interp *i=Tcl_CreateInterp();
 if (Tcl_Eval(i, "set s 0; for {set k 1} {$k <= 100} {incr k} {incr s $k}; format %d-%s $s [string toupper hello]")!=TCL_OK) return 1;
 printf("%s\n", Tcl_GetStringResult(i)); Tcl_DeleteInterp(i); return 0; }
