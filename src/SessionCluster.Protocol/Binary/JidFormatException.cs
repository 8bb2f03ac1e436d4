namespace SessionCluster.Protocol.Binary;

/// <summary>A string is not a JID in the strict grammar <c>[user[_agent][:device]]@server</c> with a known server.</summary>
public sealed class JidFormatException : FormatException
{
    public JidFormatException(string message)
        : base(message)
    {
    }
}
