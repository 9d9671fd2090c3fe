/* What `whb-agent --once --print` shows a network engineer on the spot. */
#ifndef WHB_PRINT_H
#define WHB_PRINT_H

#include <stdio.h>

#include "model.h"

void whb_print_text(FILE *out, const struct whb_identity *id, const struct whb_state *s);
/* Returns 0, or WHB_ENOMEM. */
int whb_print_json(FILE *out, const struct whb_identity *id, const struct whb_state *s);

#endif
