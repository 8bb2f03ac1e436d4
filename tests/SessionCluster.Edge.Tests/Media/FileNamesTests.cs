using System.Net.Http.Headers;
using SessionCluster.Edge.Media;

namespace SessionCluster.Edge.Tests.Media;

public sealed class FileNamesTests
{
    private static readonly Uri NoName = new("https://cdn.example/download");

    [Theory]
    [InlineData("attachment; filename=\"photo.jpg\"", "photo.jpg")]
    [InlineData("attachment; filename=plain.txt", "plain.txt")]
    [InlineData("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''na%C3%AFve%20report.pdf", "naïve report.pdf")]
    [InlineData("attachment; filename=\"../../etc/passwd\"", "passwd")]
    [InlineData("attachment; filename=\"C:\\\\Windows\\\\win.ini\"", "win.ini")]
    [InlineData("attachment; filename=\"..\"", null)]
    [InlineData("inline", null)]
    public void A_content_disposition_name_is_taken_as_its_last_path_part_only(string header, string? expected) =>
        Assert.Equal(expected, FileNames.Of(ContentDispositionHeaderValue.Parse(header), NoName, NoName));

    [Theory]
    [InlineData("https://cdn.example/files/my%20report.pdf?sig=abc", "https://a.example/x", "my report.pdf")]
    [InlineData("https://cdn.example/download", "https://a.example/files/given.png", "given.png")]
    [InlineData("https://cdn.example/download", "https://a.example/files/", null)]
    [InlineData("https://cdn.example/a%2F..%2Fb.txt", "https://a.example/", "b.txt")]
    public void Without_content_disposition_the_final_then_the_given_url_names_the_file_when_it_has_a_dot(string final, string original, string? expected) =>
        Assert.Equal(expected, FileNames.Of(null, new Uri(final), new Uri(original)));
}
