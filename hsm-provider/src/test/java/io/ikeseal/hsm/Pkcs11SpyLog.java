package io.ikeseal.hsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an OpenSC pkcs11-spy log and finds every way a secret could have left the token: C_WrapKey, and
 * C_GetAttributeValue asking for CKA_VALUE of anything that is not a public key or a CKO_DATA object (the
 * public output of CKM_HKDF_DATA). Object classes are learnt from the calls that create the handles.
 */
public final class Pkcs11SpyLog {
    private static final Pattern CALL = Pattern.compile("^\\d+: (C_\\w+)");
    private static final Pattern HANDLE = Pattern.compile("\\[(in|out)\\] (h\\w+|\\*phObject|phKey) = (0x[0-9a-fA-F]+)");

    /** One PKCS#11 call as logged: name and the lines after it. */
    public record Call(int index, String name, List<String> lines) {
        String handle(String direction, String field) {
            for (String l : lines) {
                Matcher m = HANDLE.matcher(l.strip());
                if (m.find() && m.group(1).equals(direction) && m.group(2).equals(field)) {
                    return m.group(3);
                }
            }
            return null;
        }

        boolean mentions(String s) {
            return lines.stream().anyMatch(l -> l.contains(s));
        }

        boolean requests(String attribute) {
            boolean inTemplate = false;
            for (String l : lines) {
                String t = l.strip();
                if (t.startsWith("[in] pTemplate")) {
                    inTemplate = true;
                } else if (t.startsWith("[out]") || t.startsWith("Returned")) {
                    inTemplate = false;
                } else if (inTemplate && t.split("\\s+", -1)[0].equals(attribute)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<Call> calls;

    private Pkcs11SpyLog(List<Call> calls) {
        this.calls = calls;
    }

    public static Pkcs11SpyLog read(Path log) throws IOException {
        List<Call> calls = new ArrayList<>();
        String name = null;
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            Matcher m = CALL.matcher(line);
            if (m.find()) {
                if (name != null) {
                    calls.add(new Call(calls.size(), name, lines));
                }
                name = m.group(1);
                lines = new ArrayList<>();
            } else if (name != null) {
                lines.add(line);
            }
        }
        if (name != null) {
            calls.add(new Call(calls.size(), name, lines));
        }
        return new Pkcs11SpyLog(calls);
    }

    public List<Call> calls() {
        return calls;
    }

    public long count(String function) {
        return calls.stream().filter(c -> c.name().equals(function)).count();
    }

    /** Descriptions of every call that could have exposed secret material; empty when sealed. */
    public List<String> leaks() {
        Map<String, String> classOf = new HashMap<>();
        List<String> leaks = new ArrayList<>();
        for (Call c : calls) {
            switch (c.name()) {
                case "C_WrapKey" -> leaks.add("#" + c.index() + " C_WrapKey");
                case "C_GenerateKeyPair" -> {
                    classOf.put(c.handle("out", "hPublicKey"), "CKO_PUBLIC_KEY");
                    classOf.put(c.handle("out", "hPrivateKey"), "CKO_PRIVATE_KEY");
                }
                case "C_DeriveKey", "C_GenerateKey", "C_UnwrapKey", "C_CreateObject", "C_CopyObject" -> {
                    String h = c.handle("out", "hKey");
                    if (h == null) {
                        h = c.handle("out", "*phObject");
                    }
                    String cls = c.mentions("CKO_DATA") ? "CKO_DATA"
                            : c.mentions("CKO_PUBLIC_KEY") ? "CKO_PUBLIC_KEY"
                            : c.mentions("CKO_CERTIFICATE") ? "CKO_CERTIFICATE" : "secret";
                    if (h != null) {
                        classOf.put(h, cls);
                    }
                }
                case "C_DestroyObject" -> classOf.remove(c.handle("in", "hObject"));
                case "C_GetAttributeValue" -> {
                    if (c.requests("CKA_VALUE")) {
                        String h = c.handle("in", "hObject");
                        String cls = classOf.getOrDefault(h, "unknown");
                        if (!cls.equals("CKO_DATA") && !cls.equals("CKO_PUBLIC_KEY") && !cls.equals("CKO_CERTIFICATE")) {
                            leaks.add("#" + c.index() + " C_GetAttributeValue(CKA_VALUE) of " + cls + " object " + h
                                    + (c.mentions("Returned:  0 CKR_OK") ? " (succeeded)" : " (refused by the token)"));
                        }
                    }
                }
                default -> {
                }
            }
        }
        return leaks;
    }
}
