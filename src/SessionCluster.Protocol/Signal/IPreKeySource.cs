namespace SessionCluster.Protocol.Signal;

/// <summary>Our own prekeys, looked up when a PreKeyWhisperMessage starts a session with us.</summary>
public interface IPreKeySource
{
    /// <summary>The one-time prekey with this id, or null when it is unknown or already consumed.</summary>
    PreKeyRecord? FindPreKey(uint id);

    /// <summary>The signed prekey with this id, or null when it is unknown.</summary>
    SignedPreKeyRecord? FindSignedPreKey(uint id);
}
