namespace SessionCluster.Protocol.AppState;

/// <summary>Which check an app-state patch failed (docs/PROTOCOL.md §14 "Verifying a patch").</summary>
public enum AppStateFailure
{
    /// <summary>A record or patch names an app-state sync key this device was never given.</summary>
    MissingKey,

    /// <summary>The patch's version is not the collection's next one: patches were skipped or replayed.</summary>
    VersionGap,

    /// <summary>The patchMAC over the snapshotMAC and the value MACs does not verify: the patch was altered.</summary>
    PatchMacMismatch,

    /// <summary>A record's value MAC does not verify: its ciphertext or key id was altered.</summary>
    ValueMacMismatch,

    /// <summary>A record decrypts but its index does not hash to the record's index MAC.</summary>
    IndexMacMismatch,

    /// <summary>The LTHash after the patch does not give the patch's snapshotMAC: the local state and the sender's differ.</summary>
    SnapshotMacMismatch,

    /// <summary>The patch or a record is structurally wrong: missing fields, bad padding, an index that is not a JSON array of strings.</summary>
    Malformed,

    /// <summary>
    /// A snapshot or external-mutations blob (docs/PROTOCOL.md §14 "External blobs") was not downloaded, could not be
    /// downloaded, or does not decrypt to what its reference names (media MAC or hash).
    /// </summary>
    ExternalBlob,
}

/// <summary>
/// An app-state patch was refused. It names the check and the collection; it never carries key material or plaintext.
/// A refused patch changes nothing: the caller keeps its state and version.
/// </summary>
public sealed class AppStateException(AppStateFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<AppStateFailure>(failure, message, inner);
