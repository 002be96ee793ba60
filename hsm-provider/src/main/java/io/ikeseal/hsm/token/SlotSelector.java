package io.ikeseal.hsm.token;

/**
 * Chooses one slot of a PKCS#11 module: by token label, by the token attributes of an RFC 7512 URI,
 * or by slot ID. Null fields match anything; at least one must be set.
 */
public record SlotSelector(String label, String serial, String manufacturer, String model, Long slotId) {

    public SlotSelector {
        if (label == null && serial == null && manufacturer == null && model == null && slotId == null) {
            throw new IllegalArgumentException("a slot selector needs a token label, URI attribute or slot ID");
        }
    }

    public static SlotSelector byLabel(String label) {
        return new SlotSelector(label, null, null, null, null);
    }

    public static SlotSelector bySlotId(long slotId) {
        return new SlotSelector(null, null, null, null, slotId);
    }

    public static SlotSelector fromUri(Pkcs11Uri uri) {
        return new SlotSelector(uri.token(), uri.serial(), uri.manufacturer(), uri.model(), uri.slotId());
    }

    public boolean matches(Pkcs11Module.SlotInfo slot) {
        return (slotId == null || slotId == slot.slotId())
                && (label == null || label.equals(slot.label()))
                && (serial == null || serial.equals(slot.serial()))
                && (manufacturer == null || manufacturer.equals(slot.manufacturer()))
                && (model == null || model.equals(slot.model()));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        append(b, "token", label);
        append(b, "serial", serial);
        append(b, "manufacturer", manufacturer);
        append(b, "model", model);
        append(b, "slot-id", slotId == null ? null : slotId.toString());
        return b.toString();
    }

    private static void append(StringBuilder b, String k, String v) {
        if (v != null) {
            b.append(b.isEmpty() ? "" : ";").append(k).append('=').append(v);
        }
    }
}
