/* SPDX-License-Identifier: MIT */
/* EXPORT: what a test library exports, as a DLL or as a shared object. */
#ifndef DLLTEST_EXPORT_H
#define DLLTEST_EXPORT_H

#ifdef _WIN32
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

#endif
