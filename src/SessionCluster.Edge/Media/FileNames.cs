using System.Net.Http.Headers;

namespace SessionCluster.Edge.Media;

/// <summary>
/// The name a downloaded file goes by: the source's Content-Disposition (filename*, then filename), else the last path
/// segment of the final URL or of the one given, when it has a dot (an extension). Only the last path part is kept, so
/// a name can never point into a folder.
/// </summary>
internal static class FileNames
{
    public static string? Of(ContentDispositionHeaderValue? disposition, Uri final, Uri original) =>
        Clean(disposition?.FileNameStar) ?? Clean(disposition?.FileName) ?? FromPath(final) ?? FromPath(original);

    private static string? FromPath(Uri url)
    {
        var path = url.AbsolutePath;
        var last = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        return last.Contains('.', StringComparison.Ordinal) ? Clean(last) : null;
    }

    private static string? Clean(string? name)
    {
        if (name is null)
        {
            return null;
        }

        name = name.Trim().Trim('"');
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        return name.Trim('.').Length == 0 || name.Any(char.IsControl) ? null : name;
    }
}
