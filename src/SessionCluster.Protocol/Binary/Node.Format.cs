using System.Text;

namespace SessionCluster.Protocol.Binary;

// The log form: XML-like, byte content as truncated hex so a log line stays short and shows no payload.
public sealed partial class Node
{
    /// <summary>How many content bytes <see cref="ToString"/> shows before eliding the rest.</summary>
    internal const int LoggedBytes = 32;

    /// <summary>An XML-like rendering for logs, e.g. <c>&lt;iq id="1" type="get"&gt;&lt;ping/&gt;&lt;/iq&gt;</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text);
        return text.ToString();
    }

    private void Append(StringBuilder text)
    {
        text.Append('<').Append(Tag);
        foreach (var attribute in _attributes)
        {
            text.Append(' ').Append(attribute.Key).Append("=\"");
            AppendEscaped(text, attribute.Value);
            text.Append('"');
        }

        switch (ContentKind)
        {
            case NodeContentKind.None:
                text.Append("/>");
                return;
            case NodeContentKind.Text:
                text.Append('>');
                AppendEscaped(text, Text!);
                break;
            case NodeContentKind.Bytes:
                text.Append('>');
                AppendHex(text, Bytes.Span);
                break;
            case NodeContentKind.Children:
                text.Append('>');
                foreach (var child in _children)
                {
                    child.Append(text);
                }

                break;
        }

        text.Append("</").Append(Tag).Append('>');
    }

    private static void AppendHex(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, LoggedBytes)];
        text.Append(Convert.ToHexStringLower(shown));
        if (shown.Length < bytes.Length)
        {
            text.Append("…(").Append(bytes.Length).Append(" bytes)");
        }
    }

    private static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => text.Append("&amp;"),
                '<' => text.Append("&lt;"),
                '>' => text.Append("&gt;"),
                '"' => text.Append("&quot;"),
                _ => text.Append(c),
            };
        }
    }
}
