/* SPDX-License-Identifier: MIT */
#include <bzlib.h>
#include <stdio.h>
#include <string.h>
int main(void){ char in[10000], out[20000], back[10000]; for(int i=0;i<10000;i++) in[i]="abcab"[i%5]; unsigned ol=sizeof out, bl=sizeof back;
 if (BZ2_bzBuffToBuffCompress(out,&ol,in,sizeof in,9,0,0)) return 1; if (BZ2_bzBuffToBuffDecompress(back,&bl,out,ol,0,0)) return 2; printf("%u %d\n", ol, memcmp(in,back,sizeof in)==0); return 0; }
