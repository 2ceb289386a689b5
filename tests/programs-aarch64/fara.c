/* SPDX-License-Identifier: MIT */
/*
 * Far calls: fara.c, fargap.c and farb.c, linked in that order.  The
 * section strategy packs sections in input order, so the 160 MiB
 * zero-fill of fargap.c lies between the two functions and their calls
 * to each other are out of BL's +-128 MiB reach: they go through veneers.
 * (Under whole, the zero-fill joins the data segment and they are near.)
 */
int far_b(int x);

int far_a(int x)
{
	return x > 0 ? far_b(x - 1) + 1 : 0;
}
