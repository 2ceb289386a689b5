/* SPDX-License-Identifier: MIT */
#include <Python.h>
int main(void){ Py_Initialize(); int r = PyRun_SimpleString("import sys\nprint(sum(i*i for i in range(100)), sys.version_info[:2])\n"); Py_FinalizeEx(); return r ? 1 : 0; }
