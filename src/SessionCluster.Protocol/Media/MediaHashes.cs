namespace SessionCluster.Protocol.Media;

/// <summary>The hashes a media message announces, for the downloader to check; either may be absent.</summary>
/// <param name="FileEncSha256">SHA-256 of the downloaded blob (<c>enc || mac</c>), or null to skip that check.</param>
/// <param name="FileSha256">SHA-256 of the plaintext, or null to skip that check.</param>
public sealed record MediaHashes(byte[]? FileEncSha256, byte[]? FileSha256);
