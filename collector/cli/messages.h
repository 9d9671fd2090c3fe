/* Every message on the WSUS troubleshooting page, with its cause and resolution, for
 * `whb explain CODE`. */
#ifndef WHB_MESSAGES_H
#define WHB_MESSAGES_H

struct whb_wsus_message {
    const char *code;    /* what the admin types: "6703", "0x80070643", ... */
    const char *aliases; /* other spellings, '|' separated */
    const char *title;
    const char *cause;
    const char *resolution;
};

/* NULL when the code is not one of the page's messages. */
const struct whb_wsus_message *whb_message_find(const char *code);
const struct whb_wsus_message *whb_messages(int *n);

#endif
