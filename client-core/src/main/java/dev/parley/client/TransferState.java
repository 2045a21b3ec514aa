package dev.parley.client;

/** Life of a file transfer. COMPLETED, REJECTED, CANCELLED and FAILED are final. */
public enum TransferState {
    OFFERED,
    ACCEPTED,
    ACTIVE,
    PAUSED,
    COMPLETED,
    REJECTED,
    CANCELLED,
    FAILED;

    public boolean isFinal() {
        return this == COMPLETED || this == REJECTED || this == CANCELLED || this == FAILED;
    }
}
