/* SPDX-License-Identifier: MIT */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
int main(void){ const char *x="<r><a n='1'>hi</a><b/></r>"; xmlDocPtr d=xmlReadMemory(x,strlen(x),"x.xml",NULL,0); if(!d) return 1;
 for (xmlNodePtr c=xmlDocGetRootElement(d)->children;c;c=c->next) printf("%s\n", c->name); xmlFreeDoc(d); xmlCleanupParser(); return 0; }
