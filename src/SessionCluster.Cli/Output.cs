using System.Text.Json.Nodes;
using Spectre.Console;

namespace SessionCluster.Cli;

/// <summary>
/// Where a command's result goes: with <c>--json</c> one JSON document on stdout, otherwise Spectre tables; errors
/// always on stderr (as a JSON document <c>{"error":{…}}</c> with <c>--json</c>).
/// </summary>
internal sealed class Output
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly IAnsiConsole _console;

    public Output(TextWriter stdout, TextWriter stderr, bool json)
    {
        _stdout = stdout;
        _stderr = stderr;
        IsJson = json;
        // No colours or control codes: the tables are read by people and by grep alike.
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        _console.Profile.Width = Console.IsOutputRedirected || stdout != Console.Out ? 200 : Math.Max(80, Console.WindowWidth);
    }

    public bool IsJson { get; }

    /// <summary>With <c>--json</c> writes <paramref name="document"/>; otherwise runs <paramref name="human"/>.</summary>
    public void Result(JsonNode document, Action human)
    {
        if (IsJson)
        {
            _stdout.WriteLine(document.ToJsonString(Json.Options));
        }
        else
        {
            human();
        }
    }

    /// <summary>A table with <paramref name="headers"/>; every cell is plain text (never markup).</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        var table = new Table().Border(TableBorder.Simple);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        foreach (var header in headers)
        {
            table.AddColumn(Markup.Escape(header));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        }

        _console.Write(table);
    }

    /// <summary>Name/value pairs as a two-column table.</summary>
    public void Fields(IEnumerable<(string Name, string Value)> fields, string? title = null) =>
        Table(["field", "value"], fields.Select(f => (IReadOnlyList<string>)[f.Name, f.Value]), title);

    /// <summary>One line of plain text on stdout.</summary>
    public void Line(string text) => _stdout.WriteLine(text);

    /// <summary>The failure on stderr: <c>scctl: detail (status code)</c>, or with <c>--json</c> <c>{"error":{…}}</c>.</summary>
    public void Error(ScctlException failure)
    {
        if (IsJson)
        {
            var error = new JsonObject
            {
                ["exitCode"] = failure.ExitCode,
                ["failure"] = failure.Failure.ToString(),
                ["status"] = failure.Status,
                ["code"] = failure.Code,
                ["detail"] = failure.Detail,
            };
            _stderr.WriteLine(new JsonObject { ["error"] = error }.ToJsonString(Json.Options));
            return;
        }

        var suffix = failure.Status is { } status ? $" ({status}{(failure.Code is null ? "" : " " + failure.Code)})" : "";
        _stderr.WriteLine($"scctl: {failure.Detail}{suffix}");
    }

    /// <summary>A JSON value as a table cell: strings bare, null empty, anything else as JSON.</summary>
    public static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray array => string.Join(",", array.Select(Cell)),
        _ => node.ToJsonString(),
    };
}
