/* SPDX-License-Identifier: MIT */
/*
 * The System V side of the thunk-identity regression (issue 12): built
 * with gcc -O2 -fno-toplevel-reorder -ffunction-sections -fdata-sections,
 * fA lands in section 4 and fB in section 20, with fifteen small data
 * sections between.  objload once packed section << 40 and XORed the
 * global index << 44 into one key for calling-convention thunks, so the
 * two functions' thunks collided in one file order and fB was called
 * through fA's.
 */
int fA(void);
int fB(void);

int fA(void)
{
	return 1;
}

__attribute__((used)) static int pad1 = 1;
__attribute__((used)) static int pad2 = 2;
__attribute__((used)) static int pad3 = 3;
__attribute__((used)) static int pad4 = 4;
__attribute__((used)) static int pad5 = 5;
__attribute__((used)) static int pad6 = 6;
__attribute__((used)) static int pad7 = 7;
__attribute__((used)) static int pad8 = 8;
__attribute__((used)) static int pad9 = 9;
__attribute__((used)) static int pad10 = 10;
__attribute__((used)) static int pad11 = 11;
__attribute__((used)) static int pad12 = 12;
__attribute__((used)) static int pad13 = 13;
__attribute__((used)) static int pad14 = 14;
__attribute__((used)) static int pad15 = 15;

int fB(void)
{
	return 2;
}
