namespace SessionCluster.Protocol.Media;

/// <summary>
/// What a sender puts in the media message beside the mediaKey and the upload's path (PROTOCOL.md §12 "Encrypting").
/// </summary>
/// <param name="PlainLength">The plaintext's length in bytes (the message's fileLength).</param>
/// <param name="FileSha256">SHA-256 of the plaintext.</param>
/// <param name="FileEncSha256">SHA-256 of the uploaded blob, <c>enc || mac</c>; its base64url is the upload token.</param>
/// <param name="EncryptedLength">The uploaded blob's length: the ciphertext plus the 10-byte MAC.</param>
public sealed record EncryptedMedia(long PlainLength, byte[] FileSha256, byte[] FileEncSha256, long EncryptedLength);
