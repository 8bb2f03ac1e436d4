using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// The external blobs of app state (docs/PROTOCOL.md §14 "External blobs"): a snapshot or a patch's mutations, encrypted
/// like media of kind <see cref="MediaKind.AppState"/> ("WhatsApp App State Keys", mms type md-app-state) and named by an
/// <c>ExternalBlobReference</c>. Downloading is the caller's; this encrypts, decrypts and merges.
/// </summary>
public static class AppStateExternalBlobs
{
    /// <summary>
    /// Encrypts <paramref name="payload"/> (a SyncdSnapshot or SyncdMutations) under a fresh media key: the blob to upload
    /// and its reference, whose direct path the caller fills in once the blob is uploaded.
    /// </summary>
    public static (byte[] Blob, ExternalBlobReference Reference) Encrypt(IMessage payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var mediaKey = RandomNumberGenerator.GetBytes(MediaKeys.MediaKeySize);
        var (blob, media) = MediaCipher.Encrypt(payload.ToByteArray(), mediaKey, MediaKind.AppState);
        return (blob, new ExternalBlobReference
        {
            MediaKey = ByteString.CopyFrom(mediaKey),
            FileSizeBytes = (ulong)media.PlainLength,
            FileSHA256 = ByteString.CopyFrom(media.FileSha256),
            FileEncSHA256 = ByteString.CopyFrom(media.FileEncSha256),
        });
    }

    /// <summary>Decrypts a downloaded blob and checks it against its reference's hashes.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.ExternalBlob"/>: no media key, or a MAC or hash that fails.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> blob, ExternalBlobReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.MediaKey.Length != MediaKeys.MediaKeySize)
        {
            throw new AppStateException(AppStateFailure.ExternalBlob, "An app-state blob reference names no 32-byte media key.");
        }

        try
        {
            return MediaCipher.Decrypt(blob, reference.MediaKey.Span, MediaKind.AppState, Hashes(reference));
        }
        catch (MediaIntegrityException e)
        {
            throw new AppStateException(AppStateFailure.ExternalBlob, $"An app-state blob fails its {e.Failure} check.", e);
        }
    }

    /// <summary>The hashes a download of <paramref name="reference"/> is checked against (absent ones are not checked).</summary>
    public static MediaHashes Hashes(ExternalBlobReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new MediaHashes(
            reference.FileEncSHA256.IsEmpty ? null : reference.FileEncSHA256.ToByteArray(),
            reference.FileSHA256.IsEmpty ? null : reference.FileSHA256.ToByteArray());
    }

    /// <summary>Parses a downloaded external-mutations blob's plaintext.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.Malformed"/>.</exception>
    public static SyncdMutations ParseMutations(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            return SyncdMutations.Parser.ParseFrom(plaintext);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new AppStateException(AppStateFailure.Malformed, "A downloaded app-state mutations blob is not a SyncdMutations.", e);
        }
    }

    /// <summary>
    /// The patch with the downloaded mutations appended after its inline ones and no external reference left, as Baileys'
    /// decodePatches pushes them: it then verifies like an inline patch (the patch MAC covers all value MACs in that order).
    /// </summary>
    public static SyncdPatch WithExternalMutations(SyncdPatch patch, SyncdMutations downloaded)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(downloaded);
        var merged = patch.Clone();
        merged.ExternalMutations = null;
        merged.Mutations.AddRange(downloaded.Mutations);
        return merged;
    }

    /// <summary>
    /// The patch with its mutations moved into a <c>SyncdMutations</c> payload (what a writer of a large patch uploads),
    /// and the patch left without inline mutations; the caller sets <c>ExternalMutations</c> to the uploaded reference.
    /// </summary>
    public static (SyncdPatch Patch, SyncdMutations Mutations) Externalize(SyncdPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var mutations = new SyncdMutations();
        mutations.Mutations.AddRange(patch.Mutations.Select(m => m.Clone()));
        var bare = patch.Clone();
        bare.Mutations.Clear();
        return (bare, mutations);
    }
}
