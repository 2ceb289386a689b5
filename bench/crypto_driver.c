/* SPDX-License-Identifier: MIT */
/* A libcrypto workload: a SHA-256 digest and an AES-128-CBC encryption
 * fetched through the default provider (which pulls in most of the
 * library's algorithms), checked against known answers. */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

int main(void)
{
	static const unsigned char key[16] = "0123456789abcdef", iv[16] = "fedcba9876543210";
	static const unsigned char sha_abc[4] = { 0xba, 0x78, 0x16, 0xbf };
	unsigned char md[EVP_MAX_MD_SIZE], out[64];
	unsigned int n = 0;
	int len = 0, fin = 0;
	EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
	EVP_CIPHER *aes = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (!sha || !aes || !ctx || !EVP_Digest("abc", 3, md, &n, sha, NULL) ||
	    !EVP_EncryptInit_ex2(ctx, aes, key, iv, NULL) ||
	    !EVP_EncryptUpdate(ctx, out, &len, (const unsigned char *)"objload", 7) ||
	    !EVP_EncryptFinal_ex(ctx, out + len, &fin))
		return 1;
	printf("sha256(abc)=%02x%02x%02x%02x... aes: %d bytes\n", md[0], md[1], md[2], md[3], len + fin);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(aes);
	EVP_MD_free(sha);
	return memcmp(md, sha_abc, 4) == 0 && len + fin == 16 ? 0 : 2;
}
