namespace SessionCluster.Protocol.Noise;

/// <summary>Which end of the connection a <see cref="FrameSocket"/> is: the client writes the intro, the server reads it.</summary>
public enum FrameSocketRole
{
    Client,
    Server,
}
