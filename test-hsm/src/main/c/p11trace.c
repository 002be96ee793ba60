/*
 * p11trace: a pass-through PKCS#11 module for tests. It loads the real module named by P11TRACE_MODULE, forwards
 * every function of the PKCS#11 3.0 function list to it unchanged (C_Initialize's pInitArgs too, so NSS softoken
 * still gets its nssArgs in pReserved), and appends one line per call to the file P11TRACE_OUTPUT.
 *
 * A line holds every byte string that crossed the boundary, in either direction, as lowercase hex:
 *   <seq> <function> [name=value ...] rv=0x<CK_RV>
 * Buffers are "name=<hex>" ("-" for a NULL pointer, "#<n>" where only a length crossed); attribute templates are
 * "name=[<type>:<hex>,...]" (nested for CKF_ARRAY_ATTRIBUTE); mechanisms are "mech=0x<type>" followed by their
 * parameters, decoded for the mechanisms the key schedule uses (HKDF, CONCATENATE_*, ECDH1, DH) and raw otherwise.
 * PINs are never written, only their length ("-" for a NULL PIN). Output arguments are written only when the call
 * returned CKR_OK (or, for C_GetAttributeValue, a return code that still defines the values, PKCS#11 3.0 §5.7).
 *
 * Two optional variables, read once when the real module is loaded, make the real token look like another one, so
 * tests can drive token states a software token never reports:
 *   P11TRACE_FLAGS_FILE  a file holding a hexadecimal number, read again at every C_GetTokenInfo and ORed into
 *                        CK_TOKEN_INFO.flags (e.g. 0x20000 for CKF_USER_PIN_FINAL_TRY); a missing file adds nothing
 *   P11TRACE_PINPAD_PIN  emulates a PIN pad: C_GetTokenInfo reports CKF_PROTECTED_AUTHENTICATION_PATH, and a
 *                        C_Login with a NULL PIN is forwarded with this PIN, as the pad would supply it; empty: no pad
 * The log line of an emulated call says so (emulated=, pinpad=1).
 *
 * Types come from NSS's PKCS#11 headers (Debian libnss3-dev), which define the 3.0 interface and CK_HKDF_PARAMS.
 * Test fixture only: it exists so a test can prove which bytes cross the token boundary (docs/sealing-proof.md).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkcs11.h>

#define EXPORT __attribute__((visibility("default")))

/* ---- the real module ---------------------------------------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *real_handle;
static CK_FUNCTION_LIST_PTR real2;      /* the real 2.x list, always set once loaded */
static CK_FUNCTION_LIST_3_0_PTR real3;  /* the real 3.0 list, NULL when the module is 2.x only */
static FILE *out;
static unsigned long seq;
static char *flags_file;  /* P11TRACE_FLAGS_FILE, or NULL */
static char *pinpad_pin;  /* P11TRACE_PINPAD_PIN, or NULL */

static CK_FUNCTION_LIST list2;
static CK_FUNCTION_LIST_3_0 list3;
static CK_INTERFACE iface = {(CK_CHAR *)"PKCS 11", &list3, 0};

static void fail(const char *what) {
    fprintf(stderr, "p11trace: %s\n", what);
}

/* Loads the real module and opens the log once; returns CKR_GENERAL_ERROR (loudly) when either is not set up. */
static CK_RV load(void) {
    CK_RV rv = CKR_OK;
    pthread_mutex_lock(&lock);
    if (real2 != NULL) {
        goto done;
    }
    const char *module = getenv("P11TRACE_MODULE");
    const char *output = getenv("P11TRACE_OUTPUT");
    if (module == NULL || output == NULL) {
        fail("P11TRACE_MODULE and P11TRACE_OUTPUT must both be set");
        rv = CKR_GENERAL_ERROR;
        goto done;
    }
    const char *ff = getenv("P11TRACE_FLAGS_FILE");
    const char *pp = getenv("P11TRACE_PINPAD_PIN");
    flags_file = ff != NULL ? strdup(ff) : NULL;
    pinpad_pin = pp != NULL && *pp != '\0' ? strdup(pp) : NULL; /* empty: no pad (the variable is process-wide) */
    out = fopen(output, "a");
    if (out == NULL) {
        fail("cannot open P11TRACE_OUTPUT for appending");
        rv = CKR_GENERAL_ERROR;
        goto done;
    }
    real_handle = dlopen(module, RTLD_NOW | RTLD_LOCAL);
    if (real_handle == NULL) {
        fprintf(stderr, "p11trace: cannot load %s: %s\n", module, dlerror());
        rv = CKR_GENERAL_ERROR;
        goto done;
    }
    CK_C_GetInterface get_interface = (CK_C_GetInterface)dlsym(real_handle, "C_GetInterface");
    if (get_interface != NULL) {
        CK_INTERFACE_PTR ri = NULL;
        CK_VERSION v3 = {3, 0};
        if (get_interface((CK_UTF8CHAR_PTR) "PKCS 11", &v3, &ri, 0) == CKR_OK && ri != NULL) {
            real3 = (CK_FUNCTION_LIST_3_0_PTR)ri->pFunctionList;
        }
    }
    CK_C_GetFunctionList get_list = (CK_C_GetFunctionList)dlsym(real_handle, "C_GetFunctionList");
    if (get_list == NULL || get_list(&real2) != CKR_OK || real2 == NULL) {
        fail("the real module has no usable C_GetFunctionList");
        real3 = NULL;
        real2 = NULL;
        rv = CKR_GENERAL_ERROR;
        goto done;
    }
    /* Callers see the real module's versions: the trace changes nothing but the log. */
    list2.version = real2->version;
    list3.version = real3 != NULL ? real3->version : real2->version;
done:
    pthread_mutex_unlock(&lock);
    return rv;
}

/* ---- building a line ---------------------------------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
} line_t;

static void put(line_t *l, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = l->cap - l->len;
        int n = vsnprintf(l->s == NULL ? NULL : l->s + l->len, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            return;
        }
        if ((size_t)n < room) {
            l->len += (size_t)n;
            return;
        }
        size_t cap = l->cap == 0 ? 256 : l->cap;
        while (cap - l->len <= (size_t)n) {
            cap *= 2;
        }
        char *s = realloc(l->s, cap);
        if (s == NULL) {
            abort(); /* a trace that silently drops bytes would prove nothing */
        }
        l->s = s;
        l->cap = cap;
    }
}

static void hex_raw(line_t *l, const void *p, CK_ULONG n) {
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = p;
    for (CK_ULONG i = 0; i < n; i++) {
        put(l, "%c%c", digits[b[i] >> 4], digits[b[i] & 15]);
    }
}

static void hex(line_t *l, const char *name, const void *p, CK_ULONG n) {
    if (p == NULL) {
        put(l, " %s=-", name);
        return;
    }
    put(l, " %s=", name);
    hex_raw(l, p, n);
}

/* An output buffer: its bytes when the call filled it, else the length the module reported. */
static void hex_out(line_t *l, const char *name, CK_RV rv, const void *p, CK_ULONG_PTR n) {
    if (n == NULL) {
        put(l, " %s=-", name);
    } else if (rv == CKR_OK && p != NULL) {
        hex(l, name, p, *n);
    } else {
        put(l, " %s=#%lu", name, (unsigned long)*n);
    }
}

static void attrs(line_t *l, const char *name, CK_ATTRIBUTE_PTR t, CK_ULONG n, int values);

static void attr_list(line_t *l, CK_ATTRIBUTE_PTR t, CK_ULONG n, int values) {
    put(l, "[");
    for (CK_ULONG i = 0; t != NULL && i < n; i++) {
        put(l, "%s0x%lx:", i == 0 ? "" : ",", (unsigned long)t[i].type);
        if (t[i].ulValueLen == CK_UNAVAILABLE_INFORMATION) {
            put(l, "unavailable");
        } else if (!values || t[i].pValue == NULL) {
            put(l, "#%lu", (unsigned long)t[i].ulValueLen);
        } else if ((t[i].type & CKF_ARRAY_ATTRIBUTE) != 0) {
            attr_list(l, t[i].pValue, t[i].ulValueLen / sizeof(CK_ATTRIBUTE), 1);
        } else {
            hex_raw(l, t[i].pValue, t[i].ulValueLen);
        }
    }
    put(l, "]");
}

static void attrs(line_t *l, const char *name, CK_ATTRIBUTE_PTR t, CK_ULONG n, int values) {
    put(l, " %s=", name);
    if (t == NULL) {
        put(l, "-");
        return;
    }
    attr_list(l, t, n, values);
}

/* Mechanism parameters of the mechanisms ikeseal's key schedule and key exchange use; raw bytes for the rest. */
static void mech(line_t *l, CK_MECHANISM_PTR m) {
    if (m == NULL) {
        put(l, " mech=-");
        return;
    }
    put(l, " mech=0x%lx", (unsigned long)m->mechanism);
    void *p = m->pParameter;
    CK_ULONG n = m->ulParameterLen;
    switch (m->mechanism) {
    case CKM_HKDF_DERIVE:
    case CKM_HKDF_DATA:
        if (p != NULL && n == sizeof(CK_HKDF_PARAMS)) {
            CK_HKDF_PARAMS *h = p;
            put(l, " hkdf.extract=%d hkdf.expand=%d hkdf.prf=0x%lx hkdf.saltType=0x%lx", h->bExtract ? 1 : 0,
                h->bExpand ? 1 : 0, (unsigned long)h->prfHashMechanism, (unsigned long)h->ulSaltType);
            hex(l, "hkdf.salt", h->pSalt, h->ulSaltLen);
            put(l, " hkdf.saltKey=0x%lx", (unsigned long)h->hSaltKey);
            hex(l, "hkdf.info", h->pInfo, h->ulInfoLen);
            return;
        }
        break;
    case CKM_CONCATENATE_BASE_AND_DATA:
    case CKM_CONCATENATE_DATA_AND_BASE:
    case CKM_XOR_BASE_AND_DATA:
        if (p != NULL && n == sizeof(CK_KEY_DERIVATION_STRING_DATA)) {
            CK_KEY_DERIVATION_STRING_DATA *d = p;
            hex(l, "string.data", d->pData, d->ulLen);
            return;
        }
        break;
    case CKM_CONCATENATE_BASE_AND_KEY:
        if (p != NULL && n == sizeof(CK_OBJECT_HANDLE)) {
            put(l, " concat.key=0x%lx", (unsigned long)*(CK_OBJECT_HANDLE *)p);
            return;
        }
        break;
    case CKM_ECDH1_DERIVE:
    case CKM_ECDH1_COFACTOR_DERIVE:
        if (p != NULL && n == sizeof(CK_ECDH1_DERIVE_PARAMS)) {
            CK_ECDH1_DERIVE_PARAMS *e = p;
            put(l, " ecdh.kdf=0x%lx", (unsigned long)e->kdf);
            hex(l, "ecdh.shared", e->pSharedData, e->ulSharedDataLen);
            hex(l, "ecdh.public", e->pPublicData, e->ulPublicDataLen);
            return;
        }
        break;
    case CKM_DH_PKCS_DERIVE:
        hex(l, "dh.public", p, n);
        return;
    case CKM_AES_GCM:
        if (p != NULL && n == sizeof(CK_GCM_PARAMS)) {
            CK_GCM_PARAMS *g = p;
            hex(l, "gcm.iv", g->pIv, g->ulIvLen);
            hex(l, "gcm.aad", g->pAAD, g->ulAADLen);
            put(l, " gcm.tagBits=%lu", (unsigned long)g->ulTagBits);
            return;
        }
        break;
    default:
        break;
    }
    hex(l, "param", p, n);
}

static void pin(line_t *l, const char *name, const void *p, CK_ULONG n) {
    if (p == NULL) {
        put(l, " %s=-", name);
        return;
    }
    put(l, " %s=<redacted:%lu>", name, (unsigned long)n);
}

/* The flags P11TRACE_FLAGS_FILE and P11TRACE_PINPAD_PIN add to CK_TOKEN_INFO.flags now. */
static CK_FLAGS emulated_flags(void) {
    CK_FLAGS f = pinpad_pin != NULL ? CKF_PROTECTED_AUTHENTICATION_PATH : 0;
    if (flags_file != NULL) {
        FILE *in = fopen(flags_file, "r");
        unsigned long v = 0;
        if (in != NULL) {
            if (fscanf(in, "%lx", &v) == 1) {
                f |= v;
            }
            fclose(in);
        }
    }
    return f;
}

static void finish(line_t *l, CK_RV rv) {
    put(l, " rv=0x%lx\n", (unsigned long)rv);
    pthread_mutex_lock(&lock);
    if (out != NULL) {
        fprintf(out, "%lu %s", ++seq, l->s);
        fflush(out);
    }
    pthread_mutex_unlock(&lock);
    free(l->s);
}

#define BEGIN(fn)              \
    line_t L = {0};            \
    CK_RV rv;                  \
    if (real2 == NULL) {       \
        return CKR_CRYPTOKI_NOT_INITIALIZED; \
    }                          \
    put(&L, "%s", #fn)
#define BEGIN3(fn)             \
    line_t L = {0};            \
    CK_RV rv;                  \
    if (real3 == NULL) {       \
        return CKR_FUNCTION_NOT_SUPPORTED; \
    }                          \
    put(&L, "%s", #fn)
#define END  \
    finish(&L, rv); \
    return rv
#define S(h) put(&L, " %s=0x%lx", #h, (unsigned long)(h))

/* ---- general purpose ---------------------------------------------------------------------------------------- */

static CK_RV t_Initialize(CK_VOID_PTR pInitArgs) {
    BEGIN(C_Initialize);
    if (pInitArgs != NULL) {
        /* The OASIS struct ends with pReserved right after flags; NSS's header names that field LibraryParameters
         * (and adds one more the caller never allocated), and softoken reads it as its parameter string. */
        CK_C_INITIALIZE_ARGS *a = pInitArgs;
        const char *reserved = (const char *)a->LibraryParameters;
        put(&L, " flags=0x%lx", (unsigned long)a->flags);
        hex(&L, "pReserved", reserved, reserved == NULL ? 0 : strlen(reserved));
    }
    rv = real2->C_Initialize(pInitArgs);
    END;
}

static CK_RV t_Finalize(CK_VOID_PTR pReserved) {
    BEGIN(C_Finalize);
    rv = real2->C_Finalize(pReserved);
    END;
}

static CK_RV t_GetInfo(CK_INFO_PTR pInfo) {
    BEGIN(C_GetInfo);
    rv = real2->C_GetInfo(pInfo);
    if (rv == CKR_OK) {
        hex(&L, "info", pInfo, sizeof(*pInfo));
    }
    END;
}

static CK_RV t_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp);

static CK_RV t_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount) {
    BEGIN(C_GetSlotList);
    put(&L, " tokenPresent=%d", tokenPresent ? 1 : 0);
    rv = real2->C_GetSlotList(tokenPresent, pSlotList, pulCount);
    if (rv == CKR_OK && pulCount != NULL) {
        put(&L, " count=%lu", (unsigned long)*pulCount);
        if (pSlotList != NULL) {
            hex(&L, "slots", pSlotList, *pulCount * sizeof(CK_SLOT_ID));
        }
    }
    END;
}

static CK_RV t_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo) {
    BEGIN(C_GetSlotInfo);
    S(slotID);
    rv = real2->C_GetSlotInfo(slotID, pInfo);
    if (rv == CKR_OK) {
        hex(&L, "info", pInfo, sizeof(*pInfo));
    }
    END;
}

static CK_RV t_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo) {
    BEGIN(C_GetTokenInfo);
    S(slotID);
    rv = real2->C_GetTokenInfo(slotID, pInfo);
    if (rv == CKR_OK) {
        CK_FLAGS added = emulated_flags();
        if (added != 0) {
            pInfo->flags |= added;
            put(&L, " emulated=0x%lx", (unsigned long)added);
        }
        hex(&L, "info", pInfo, sizeof(*pInfo));
    }
    END;
}

static CK_RV t_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pList, CK_ULONG_PTR pulCount) {
    BEGIN(C_GetMechanismList);
    S(slotID);
    rv = real2->C_GetMechanismList(slotID, pList, pulCount);
    if (rv == CKR_OK && pulCount != NULL) {
        put(&L, " count=%lu", (unsigned long)*pulCount);
        if (pList != NULL) {
            hex(&L, "mechanisms", pList, *pulCount * sizeof(CK_MECHANISM_TYPE));
        }
    }
    END;
}

static CK_RV t_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo) {
    BEGIN(C_GetMechanismInfo);
    S(slotID);
    S(type);
    rv = real2->C_GetMechanismInfo(slotID, type, pInfo);
    if (rv == CKR_OK) {
        hex(&L, "info", pInfo, sizeof(*pInfo));
    }
    END;
}

static CK_RV t_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel) {
    BEGIN(C_InitToken);
    S(slotID);
    pin(&L, "soPin", pPin, ulPinLen);
    hex(&L, "label", pLabel, pLabel == NULL ? 0 : 32);
    rv = real2->C_InitToken(slotID, pPin, ulPinLen, pLabel);
    END;
}

static CK_RV t_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
    BEGIN(C_InitPIN);
    S(hSession);
    pin(&L, "pin", pPin, ulPinLen);
    rv = real2->C_InitPIN(hSession, pPin, ulPinLen);
    END;
}

static CK_RV t_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNewPin,
                      CK_ULONG ulNewLen) {
    BEGIN(C_SetPIN);
    S(hSession);
    pin(&L, "oldPin", pOldPin, ulOldLen);
    pin(&L, "newPin", pNewPin, ulNewLen);
    rv = real2->C_SetPIN(hSession, pOldPin, ulOldLen, pNewPin, ulNewLen);
    END;
}

/* ---- sessions ----------------------------------------------------------------------------------------------- */

static CK_RV t_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                           CK_SESSION_HANDLE_PTR phSession) {
    BEGIN(C_OpenSession);
    S(slotID);
    S(flags);
    rv = real2->C_OpenSession(slotID, flags, pApplication, Notify, phSession);
    if (rv == CKR_OK && phSession != NULL) {
        put(&L, " hSession=0x%lx", (unsigned long)*phSession);
    }
    END;
}

static CK_RV t_CloseSession(CK_SESSION_HANDLE hSession) {
    BEGIN(C_CloseSession);
    S(hSession);
    rv = real2->C_CloseSession(hSession);
    END;
}

static CK_RV t_CloseAllSessions(CK_SLOT_ID slotID) {
    BEGIN(C_CloseAllSessions);
    S(slotID);
    rv = real2->C_CloseAllSessions(slotID);
    END;
}

static CK_RV t_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo) {
    BEGIN(C_GetSessionInfo);
    S(hSession);
    rv = real2->C_GetSessionInfo(hSession, pInfo);
    if (rv == CKR_OK) {
        hex(&L, "info", pInfo, sizeof(*pInfo));
    }
    END;
}

static CK_RV t_GetOperationState(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pState, CK_ULONG_PTR pulLen) {
    BEGIN(C_GetOperationState);
    S(hSession);
    rv = real2->C_GetOperationState(hSession, pState, pulLen);
    hex_out(&L, "state", rv, pState, pulLen);
    END;
}

static CK_RV t_SetOperationState(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pState, CK_ULONG ulLen,
                                 CK_OBJECT_HANDLE hEncryptionKey, CK_OBJECT_HANDLE hAuthenticationKey) {
    BEGIN(C_SetOperationState);
    S(hSession);
    hex(&L, "state", pState, ulLen);
    S(hEncryptionKey);
    S(hAuthenticationKey);
    rv = real2->C_SetOperationState(hSession, pState, ulLen, hEncryptionKey, hAuthenticationKey);
    END;
}

static CK_RV t_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
    BEGIN(C_Login);
    S(hSession);
    S(userType);
    pin(&L, "pin", pPin, ulPinLen);
    if (pPin == NULL && pinpad_pin != NULL) {
        /* the emulated pad supplies the PIN the host did not send */
        put(&L, " pinpad=1");
        rv = real2->C_Login(hSession, userType, (CK_UTF8CHAR_PTR)pinpad_pin, strlen(pinpad_pin));
    } else {
        rv = real2->C_Login(hSession, userType, pPin, ulPinLen);
    }
    END;
}

static CK_RV t_Logout(CK_SESSION_HANDLE hSession) {
    BEGIN(C_Logout);
    S(hSession);
    rv = real2->C_Logout(hSession);
    END;
}

/* ---- objects ------------------------------------------------------------------------------------------------ */

static CK_RV t_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                            CK_OBJECT_HANDLE_PTR phObject) {
    BEGIN(C_CreateObject);
    S(hSession);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_CreateObject(hSession, pTemplate, ulCount, phObject);
    if (rv == CKR_OK && phObject != NULL) {
        put(&L, " hObject=0x%lx", (unsigned long)*phObject);
    }
    END;
}

static CK_RV t_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                          CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phNewObject) {
    BEGIN(C_CopyObject);
    S(hSession);
    S(hObject);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_CopyObject(hSession, hObject, pTemplate, ulCount, phNewObject);
    if (rv == CKR_OK && phNewObject != NULL) {
        put(&L, " hNewObject=0x%lx", (unsigned long)*phNewObject);
    }
    END;
}

static CK_RV t_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject) {
    BEGIN(C_DestroyObject);
    S(hSession);
    S(hObject);
    rv = real2->C_DestroyObject(hSession, hObject);
    END;
}

static CK_RV t_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize) {
    BEGIN(C_GetObjectSize);
    S(hSession);
    S(hObject);
    rv = real2->C_GetObjectSize(hSession, hObject, pulSize);
    if (rv == CKR_OK && pulSize != NULL) {
        put(&L, " size=%lu", (unsigned long)*pulSize);
    }
    END;
}

static CK_RV t_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                                 CK_ULONG ulCount) {
    BEGIN(C_GetAttributeValue);
    S(hSession);
    S(hObject);
    attrs(&L, "ask", pTemplate, ulCount, 0);
    rv = real2->C_GetAttributeValue(hSession, hObject, pTemplate, ulCount);
    if (rv == CKR_OK || rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID
        || rv == CKR_BUFFER_TOO_SMALL) {
        attrs(&L, "values", pTemplate, ulCount, 1);
    }
    END;
}

static CK_RV t_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                                 CK_ULONG ulCount) {
    BEGIN(C_SetAttributeValue);
    S(hSession);
    S(hObject);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_SetAttributeValue(hSession, hObject, pTemplate, ulCount);
    END;
}

static CK_RV t_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount) {
    BEGIN(C_FindObjectsInit);
    S(hSession);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_FindObjectsInit(hSession, pTemplate, ulCount);
    END;
}

static CK_RV t_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount,
                           CK_ULONG_PTR pulObjectCount) {
    BEGIN(C_FindObjects);
    S(hSession);
    rv = real2->C_FindObjects(hSession, phObject, ulMaxObjectCount, pulObjectCount);
    if (rv == CKR_OK && pulObjectCount != NULL) {
        put(&L, " found=");
        for (CK_ULONG i = 0; i < *pulObjectCount; i++) {
            put(&L, "%s0x%lx", i == 0 ? "" : ",", (unsigned long)phObject[i]);
        }
    }
    END;
}

static CK_RV t_FindObjectsFinal(CK_SESSION_HANDLE hSession) {
    BEGIN(C_FindObjectsFinal);
    S(hSession);
    rv = real2->C_FindObjectsFinal(hSession);
    END;
}

/* ---- one-part and multi-part operations: every pattern is (init mech key) (data in) (data out) ---------------- */

#define INIT_FN(fn, field)                                                                                    \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {     \
        BEGIN(C_##fn);                                                                                       \
        S(hSession);                                                                                         \
        mech(&L, pMechanism);                                                                                \
        S(hKey);                                                                                             \
        rv = real2->C_##fn(hSession, pMechanism, hKey);                                                      \
        END;                                                                                                 \
    }
/* in -> out (C_Encrypt, C_Decrypt, C_Sign, C_Digest, C_*Update with output, C_SignRecover, C_VerifyRecover) */
#define INOUT_FN(fn, in, out)                                                                                 \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pIn, CK_ULONG ulIn, CK_BYTE_PTR pOut,          \
                        CK_ULONG_PTR pulOut) {                                                               \
        BEGIN(C_##fn);                                                                                       \
        S(hSession);                                                                                         \
        hex(&L, in, pIn, ulIn);                                                                              \
        rv = real2->C_##fn(hSession, pIn, ulIn, pOut, pulOut);                                               \
        hex_out(&L, out, rv, pOut, pulOut);                                                                  \
        END;                                                                                                 \
    }
/* in only (C_*Update without output, C_Verify*) */
#define IN_FN(fn, in)                                                                                         \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pIn, CK_ULONG ulIn) {                          \
        BEGIN(C_##fn);                                                                                       \
        S(hSession);                                                                                         \
        hex(&L, in, pIn, ulIn);                                                                              \
        rv = real2->C_##fn(hSession, pIn, ulIn);                                                             \
        END;                                                                                                 \
    }
/* out only (C_*Final) */
#define OUT_FN(fn, out)                                                                                       \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOut, CK_ULONG_PTR pulOut) {                   \
        BEGIN(C_##fn);                                                                                       \
        S(hSession);                                                                                         \
        rv = real2->C_##fn(hSession, pOut, pulOut);                                                          \
        hex_out(&L, out, rv, pOut, pulOut);                                                                  \
        END;                                                                                                 \
    }

INIT_FN(EncryptInit, 0)
INOUT_FN(Encrypt, "data", "encrypted")
INOUT_FN(EncryptUpdate, "part", "encryptedPart")
OUT_FN(EncryptFinal, "lastEncryptedPart")
INIT_FN(DecryptInit, 0)
INOUT_FN(Decrypt, "encrypted", "data")
INOUT_FN(DecryptUpdate, "encryptedPart", "part")
OUT_FN(DecryptFinal, "lastPart")

static CK_RV t_DigestInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism) {
    BEGIN(C_DigestInit);
    S(hSession);
    mech(&L, pMechanism);
    rv = real2->C_DigestInit(hSession, pMechanism);
    END;
}

INOUT_FN(Digest, "data", "digest")
IN_FN(DigestUpdate, "part")

static CK_RV t_DigestKey(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hKey) {
    BEGIN(C_DigestKey);
    S(hSession);
    S(hKey);
    rv = real2->C_DigestKey(hSession, hKey);
    END;
}

OUT_FN(DigestFinal, "digest")
INIT_FN(SignInit, 0)
INOUT_FN(Sign, "data", "signature")
IN_FN(SignUpdate, "part")
OUT_FN(SignFinal, "signature")
INIT_FN(SignRecoverInit, 0)
INOUT_FN(SignRecover, "data", "signature")
INIT_FN(VerifyInit, 0)

static CK_RV t_Verify(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
                      CK_ULONG ulSignatureLen) {
    BEGIN(C_Verify);
    S(hSession);
    hex(&L, "data", pData, ulDataLen);
    hex(&L, "signature", pSignature, ulSignatureLen);
    rv = real2->C_Verify(hSession, pData, ulDataLen, pSignature, ulSignatureLen);
    END;
}

IN_FN(VerifyUpdate, "part")
IN_FN(VerifyFinal, "signature")
INIT_FN(VerifyRecoverInit, 0)
INOUT_FN(VerifyRecover, "signature", "data")
INOUT_FN(DigestEncryptUpdate, "part", "encryptedPart")
INOUT_FN(DecryptDigestUpdate, "encryptedPart", "part")
INOUT_FN(SignEncryptUpdate, "part", "encryptedPart")
INOUT_FN(DecryptVerifyUpdate, "encryptedPart", "part")

/* ---- keys --------------------------------------------------------------------------------------------------- */

static CK_RV t_GenerateKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate,
                           CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
    BEGIN(C_GenerateKey);
    S(hSession);
    mech(&L, pMechanism);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_GenerateKey(hSession, pMechanism, pTemplate, ulCount, phKey);
    if (rv == CKR_OK && phKey != NULL) {
        put(&L, " hKey=0x%lx", (unsigned long)*phKey);
    }
    END;
}

static CK_RV t_GenerateKeyPair(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pPublic,
                               CK_ULONG ulPublic, CK_ATTRIBUTE_PTR pPrivate, CK_ULONG ulPrivate,
                               CK_OBJECT_HANDLE_PTR phPublicKey, CK_OBJECT_HANDLE_PTR phPrivateKey) {
    BEGIN(C_GenerateKeyPair);
    S(hSession);
    mech(&L, pMechanism);
    attrs(&L, "publicTemplate", pPublic, ulPublic, 1);
    attrs(&L, "privateTemplate", pPrivate, ulPrivate, 1);
    rv = real2->C_GenerateKeyPair(hSession, pMechanism, pPublic, ulPublic, pPrivate, ulPrivate, phPublicKey,
                                  phPrivateKey);
    if (rv == CKR_OK && phPublicKey != NULL && phPrivateKey != NULL) {
        put(&L, " hPublicKey=0x%lx hPrivateKey=0x%lx", (unsigned long)*phPublicKey, (unsigned long)*phPrivateKey);
    }
    END;
}

static CK_RV t_WrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey,
                       CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen) {
    BEGIN(C_WrapKey);
    S(hSession);
    mech(&L, pMechanism);
    S(hWrappingKey);
    S(hKey);
    rv = real2->C_WrapKey(hSession, pMechanism, hWrappingKey, hKey, pWrappedKey, pulWrappedKeyLen);
    hex_out(&L, "wrapped", rv, pWrappedKey, pulWrappedKeyLen);
    END;
}

static CK_RV t_UnwrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey,
                         CK_BYTE_PTR pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
                         CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
    BEGIN(C_UnwrapKey);
    S(hSession);
    mech(&L, pMechanism);
    S(hUnwrappingKey);
    hex(&L, "wrapped", pWrappedKey, ulWrappedKeyLen);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_UnwrapKey(hSession, pMechanism, hUnwrappingKey, pWrappedKey, ulWrappedKeyLen, pTemplate, ulCount,
                            phKey);
    if (rv == CKR_OK && phKey != NULL) {
        put(&L, " hKey=0x%lx", (unsigned long)*phKey);
    }
    END;
}

static CK_RV t_DeriveKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hBaseKey,
                         CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
    BEGIN(C_DeriveKey);
    S(hSession);
    mech(&L, pMechanism);
    S(hBaseKey);
    attrs(&L, "template", pTemplate, ulCount, 1);
    rv = real2->C_DeriveKey(hSession, pMechanism, hBaseKey, pTemplate, ulCount, phKey);
    if (rv == CKR_OK && phKey != NULL) {
        put(&L, " hKey=0x%lx", (unsigned long)*phKey);
    }
    END;
}

static CK_RV t_SeedRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen) {
    BEGIN(C_SeedRandom);
    S(hSession);
    hex(&L, "seed", pSeed, ulSeedLen);
    rv = real2->C_SeedRandom(hSession, pSeed, ulSeedLen);
    END;
}

static CK_RV t_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pRandom, CK_ULONG ulRandomLen) {
    BEGIN(C_GenerateRandom);
    S(hSession);
    rv = real2->C_GenerateRandom(hSession, pRandom, ulRandomLen);
    if (rv == CKR_OK) {
        hex(&L, "random", pRandom, ulRandomLen);
    }
    END;
}

static CK_RV t_GetFunctionStatus(CK_SESSION_HANDLE hSession) {
    BEGIN(C_GetFunctionStatus);
    S(hSession);
    rv = real2->C_GetFunctionStatus(hSession);
    END;
}

static CK_RV t_CancelFunction(CK_SESSION_HANDLE hSession) {
    BEGIN(C_CancelFunction);
    S(hSession);
    rv = real2->C_CancelFunction(hSession);
    END;
}

static CK_RV t_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved) {
    BEGIN(C_WaitForSlotEvent);
    S(flags);
    rv = real2->C_WaitForSlotEvent(flags, pSlot, pReserved);
    if (rv == CKR_OK && pSlot != NULL) {
        put(&L, " slot=0x%lx", (unsigned long)*pSlot);
    }
    END;
}

/* ---- PKCS#11 3.0 additions ---------------------------------------------------------------------------------- */

static CK_RV t_GetInterfaceList(CK_INTERFACE_PTR pInterfaces, CK_ULONG_PTR pulCount);
static CK_RV t_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                            CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags);

static CK_RV t_LoginUser(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
                         CK_UTF8CHAR_PTR pUsername, CK_ULONG ulUsernameLen) {
    BEGIN3(C_LoginUser);
    S(hSession);
    S(userType);
    pin(&L, "pin", pPin, ulPinLen);
    hex(&L, "username", pUsername, ulUsernameLen);
    rv = real3->C_LoginUser(hSession, userType, pPin, ulPinLen, pUsername, ulUsernameLen);
    END;
}

static CK_RV t_SessionCancel(CK_SESSION_HANDLE hSession, CK_FLAGS flags) {
    BEGIN3(C_SessionCancel);
    S(hSession);
    S(flags);
    rv = real3->C_SessionCancel(hSession, flags);
    END;
}

#define MSG_INIT_FN(fn)                                                                                       \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {     \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        mech(&L, pMechanism);                                                                                \
        S(hKey);                                                                                             \
        rv = real3->C_##fn(hSession, pMechanism, hKey);                                                      \
        END;                                                                                                 \
    }
#define MSG_FINAL_FN(fn)                                                                                      \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession) {                                                         \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        rv = real3->C_##fn(hSession);                                                                        \
        END;                                                                                                 \
    }
/* (param, aad, in) -> out for C_EncryptMessage / C_DecryptMessage; param may be an output (e.g. a generated IV) */
#define MSG_CRYPT_FN(fn, in, out)                                                                             \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
                        CK_BYTE_PTR pAad, CK_ULONG ulAad, CK_BYTE_PTR pIn, CK_ULONG ulIn, CK_BYTE_PTR pOut,   \
                        CK_ULONG_PTR pulOut) {                                                               \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        hex(&L, "param", pParameter, ulParameterLen);                                                        \
        hex(&L, "aad", pAad, ulAad);                                                                         \
        hex(&L, in, pIn, ulIn);                                                                              \
        rv = real3->C_##fn(hSession, pParameter, ulParameterLen, pAad, ulAad, pIn, ulIn, pOut, pulOut);      \
        hex(&L, "paramAfter", pParameter, ulParameterLen);                                                   \
        hex_out(&L, out, rv, pOut, pulOut);                                                                  \
        END;                                                                                                 \
    }
#define MSG_BEGIN_AAD_FN(fn)                                                                                  \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
                        CK_BYTE_PTR pAad, CK_ULONG ulAad) {                                                  \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        hex(&L, "param", pParameter, ulParameterLen);                                                        \
        hex(&L, "aad", pAad, ulAad);                                                                         \
        rv = real3->C_##fn(hSession, pParameter, ulParameterLen, pAad, ulAad);                               \
        hex(&L, "paramAfter", pParameter, ulParameterLen);                                                   \
        END;                                                                                                 \
    }
#define MSG_NEXT_FN(fn, in, out)                                                                              \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
                        CK_BYTE_PTR pIn, CK_ULONG ulIn, CK_BYTE_PTR pOut, CK_ULONG_PTR pulOut,                \
                        CK_FLAGS flags) {                                                                    \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        hex(&L, "param", pParameter, ulParameterLen);                                                        \
        hex(&L, in, pIn, ulIn);                                                                              \
        S(flags);                                                                                            \
        rv = real3->C_##fn(hSession, pParameter, ulParameterLen, pIn, ulIn, pOut, pulOut, flags);            \
        hex(&L, "paramAfter", pParameter, ulParameterLen);                                                   \
        hex_out(&L, out, rv, pOut, pulOut);                                                                  \
        END;                                                                                                 \
    }
#define MSG_BEGIN_FN(fn)                                                                                      \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen) {        \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        hex(&L, "param", pParameter, ulParameterLen);                                                        \
        rv = real3->C_##fn(hSession, pParameter, ulParameterLen);                                            \
        END;                                                                                                 \
    }
/* C_SignMessage / C_SignMessageNext: (param, data) -> signature */
#define MSG_SIGN_FN(fn)                                                                                       \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
                        CK_BYTE_PTR pData, CK_ULONG ulData, CK_BYTE_PTR pSig, CK_ULONG_PTR pulSig) {          \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        hex(&L, "param", pParameter, ulParameterLen);                                                        \
        hex(&L, "data", pData, ulData);                                                                      \
        rv = real3->C_##fn(hSession, pParameter, ulParameterLen, pData, ulData, pSig, pulSig);               \
        hex_out(&L, "signature", rv, pSig, pulSig);                                                          \
        END;                                                                                                 \
    }
/* C_VerifyMessage / C_VerifyMessageNext: (param, data, signature) */
#define MSG_VERIFY_FN(fn)                                                                                     \
    static CK_RV t_##fn(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
                        CK_BYTE_PTR pData, CK_ULONG ulData, CK_BYTE_PTR pSig, CK_ULONG ulSig) {               \
        BEGIN3(C_##fn);                                                                                      \
        S(hSession);                                                                                         \
        hex(&L, "param", pParameter, ulParameterLen);                                                        \
        hex(&L, "data", pData, ulData);                                                                      \
        hex(&L, "signature", pSig, ulSig);                                                                   \
        rv = real3->C_##fn(hSession, pParameter, ulParameterLen, pData, ulData, pSig, ulSig);                \
        END;                                                                                                 \
    }

MSG_INIT_FN(MessageEncryptInit)
MSG_CRYPT_FN(EncryptMessage, "plaintext", "ciphertext")
MSG_BEGIN_AAD_FN(EncryptMessageBegin)
MSG_NEXT_FN(EncryptMessageNext, "plaintextPart", "ciphertextPart")
MSG_FINAL_FN(MessageEncryptFinal)
MSG_INIT_FN(MessageDecryptInit)
MSG_CRYPT_FN(DecryptMessage, "ciphertext", "plaintext")
MSG_BEGIN_AAD_FN(DecryptMessageBegin)
MSG_NEXT_FN(DecryptMessageNext, "ciphertextPart", "plaintextPart")
MSG_FINAL_FN(MessageDecryptFinal)
MSG_INIT_FN(MessageSignInit)
MSG_SIGN_FN(SignMessage)
MSG_BEGIN_FN(SignMessageBegin)
MSG_SIGN_FN(SignMessageNext)
MSG_FINAL_FN(MessageSignFinal)
MSG_INIT_FN(MessageVerifyInit)
MSG_VERIFY_FN(VerifyMessage)
MSG_BEGIN_FN(VerifyMessageBegin)
MSG_VERIFY_FN(VerifyMessageNext)
MSG_FINAL_FN(MessageVerifyFinal)

/* ---- the function lists and the exported entry points ------------------------------------------------------- */

#define COMMON_2X                                                                                             \
    t_Initialize, t_Finalize, t_GetInfo, t_GetFunctionList, t_GetSlotList, t_GetSlotInfo, t_GetTokenInfo,     \
        t_GetMechanismList, t_GetMechanismInfo, t_InitToken, t_InitPIN, t_SetPIN, t_OpenSession,              \
        t_CloseSession, t_CloseAllSessions, t_GetSessionInfo, t_GetOperationState, t_SetOperationState,       \
        t_Login, t_Logout, t_CreateObject, t_CopyObject, t_DestroyObject, t_GetObjectSize,                   \
        t_GetAttributeValue, t_SetAttributeValue, t_FindObjectsInit, t_FindObjects, t_FindObjectsFinal,       \
        t_EncryptInit, t_Encrypt, t_EncryptUpdate, t_EncryptFinal, t_DecryptInit, t_Decrypt,                  \
        t_DecryptUpdate, t_DecryptFinal, t_DigestInit, t_Digest, t_DigestUpdate, t_DigestKey, t_DigestFinal,  \
        t_SignInit, t_Sign, t_SignUpdate, t_SignFinal, t_SignRecoverInit, t_SignRecover, t_VerifyInit,        \
        t_Verify, t_VerifyUpdate, t_VerifyFinal, t_VerifyRecoverInit, t_VerifyRecover,                        \
        t_DigestEncryptUpdate, t_DecryptDigestUpdate, t_SignEncryptUpdate, t_DecryptVerifyUpdate,             \
        t_GenerateKey, t_GenerateKeyPair, t_WrapKey, t_UnwrapKey, t_DeriveKey, t_SeedRandom,                  \
        t_GenerateRandom, t_GetFunctionStatus, t_CancelFunction, t_WaitForSlotEvent

static CK_FUNCTION_LIST list2 = {{2, 40}, COMMON_2X};
static CK_FUNCTION_LIST_3_0 list3 = {
    {3, 0}, COMMON_2X,
    t_GetInterfaceList, t_GetInterface, t_LoginUser, t_SessionCancel, t_MessageEncryptInit, t_EncryptMessage,
    t_EncryptMessageBegin, t_EncryptMessageNext, t_MessageEncryptFinal, t_MessageDecryptInit, t_DecryptMessage,
    t_DecryptMessageBegin, t_DecryptMessageNext, t_MessageDecryptFinal, t_MessageSignInit, t_SignMessage,
    t_SignMessageBegin, t_SignMessageNext, t_MessageSignFinal, t_MessageVerifyInit, t_VerifyMessage,
    t_VerifyMessageBegin, t_VerifyMessageNext, t_MessageVerifyFinal};

/* Entry points are logged too, so the trace shows which one the caller used (SunPKCS11 prefers C_GetInterface). */
static void log_entry(const char *fn, CK_RV rv) {
    line_t L = {0};
    put(&L, "%s", fn);
    finish(&L, rv);
}

static CK_RV t_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp) {
    CK_RV rv = load();
    if (rv == CKR_OK) {
        if (pp == NULL) {
            rv = CKR_ARGUMENTS_BAD;
        } else {
            *pp = &list2;
        }
    }
    log_entry("C_GetFunctionList", rv);
    return rv;
}

/* One interface, "PKCS 11" 3.0, offered only when the real module has it: a 2.x module gets no 3.0 list. */
static CK_RV t_GetInterfaceList(CK_INTERFACE_PTR pInterfaces, CK_ULONG_PTR pulCount) {
    CK_RV rv = load();
    if (rv == CKR_OK) {
        CK_ULONG n = real3 != NULL ? 1 : 0;
        if (pulCount == NULL) {
            rv = CKR_ARGUMENTS_BAD;
        } else if (pInterfaces == NULL) {
            *pulCount = n;
        } else if (*pulCount < n) {
            *pulCount = n;
            rv = CKR_BUFFER_TOO_SMALL;
        } else {
            *pulCount = n;
            if (n == 1) {
                pInterfaces[0] = iface;
            }
        }
    }
    log_entry("C_GetInterfaceList", rv);
    return rv;
}

static CK_RV t_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                            CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags) {
    CK_RV rv = load();
    if (rv == CKR_OK) {
        if (ppInterface == NULL) {
            rv = CKR_ARGUMENTS_BAD;
        } else if (real3 == NULL
                   || (pInterfaceName != NULL && strcmp((const char *)pInterfaceName, "PKCS 11") != 0)
                   || (pVersion != NULL && (pVersion->major != list3.version.major
                                            || pVersion->minor != list3.version.minor))
                   || (flags & ~iface.flags) != 0) {
            rv = CKR_FUNCTION_FAILED; /* as the spec says for "no such interface" (PKCS#11 3.0 §5.4) */
        } else {
            *ppInterface = &iface;
        }
    }
    log_entry("C_GetInterface", rv);
    return rv;
}

EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList) {
    return t_GetFunctionList(ppFunctionList);
}

EXPORT CK_RV C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList, CK_ULONG_PTR pulCount) {
    return t_GetInterfaceList(pInterfacesList, pulCount);
}

EXPORT CK_RV C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                            CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags) {
    return t_GetInterface(pInterfaceName, pVersion, ppInterface, flags);
}
