using System.Text.Json;

namespace SessionCluster.Host.Tests.Packaging;

/// <summary>
/// The few Dockerfile forms our Dockerfile uses, read well enough to run what it says without a Docker engine:
/// instructions one a line (a trailing backslash continues it, <c>#</c> starts a comment line), <c>FROM image AS name</c>
/// opening a stage, <c>ENV k=v ...</c>, exec-form (JSON array) <c>ENTRYPOINT</c> and <c>HEALTHCHECK ... CMD</c>, and
/// <c>RUN [--flag ...] command</c>. Anything it cannot read throws, so the test fails rather than guesses.
/// </summary>
internal sealed record Dockerfile(IReadOnlyList<Dockerfile.Stage> Stages)
{
    public static Dockerfile Parse(string text)
    {
        var stages = new List<Stage>();
        foreach (var (keyword, arguments) in Instructions(text))
        {
            if (keyword == "FROM")
            {
                var words = Words(arguments);
                stages.Add(words switch
                {
                    [var image] => new Stage(image, null, []),
                    [var image, var asWord, var name] when asWord.Equals("AS", StringComparison.OrdinalIgnoreCase) => new Stage(image, name, []),
                    _ => throw new FormatException($"FROM '{arguments}' is not 'image [AS name]'"),
                });
            }
            else if (stages.Count == 0)
            {
                throw new FormatException($"{keyword} before the first FROM");
            }
            else
            {
                stages[^1].Instructions.Add(new Instruction(keyword, arguments));
            }
        }

        return new Dockerfile(stages);
    }

    /// <summary>The stage named <paramref name="name"/>.</summary>
    public Stage Named(string name) => Stages.SingleOrDefault(stage => stage.Name == name) ?? throw new InvalidOperationException($"no stage named {name}");

    /// <summary>Whitespace-separated words; quotes are not read, so a word with one is refused.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Any(word => word.Contains('"', StringComparison.Ordinal) || word.Contains('\'', StringComparison.Ordinal))
            ? throw new FormatException($"quoted words are not read here: {text}")
            : words;
    }

    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string text)
    {
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].TrimEnd() + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = "";
            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0 ? (whole.ToUpperInvariant(), "") : (whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim());
        }

        if (pending.Length > 0)
        {
            throw new FormatException($"the last instruction ends in a line continuation: {pending}");
        }
    }

    /// <summary>One <c>FROM</c> and the instructions under it, in order.</summary>
    internal sealed record Stage(string Image, string? Name, List<Instruction> Instructions)
    {
        public IEnumerable<Instruction> All(string keyword) => Instructions.Where(instruction => instruction.Keyword == keyword);

        /// <summary>The stage's only <paramref name="keyword"/> instruction (the last one, as Docker takes it, for USER, WORKDIR, ENTRYPOINT, HEALTHCHECK).</summary>
        public Instruction Last(string keyword) => All(keyword).LastOrDefault() ?? throw new InvalidOperationException($"stage {Name ?? Image} has no {keyword}");

        /// <summary>Every <c>ENV k=v</c> pair of the stage, later ones winning.</summary>
        public IReadOnlyDictionary<string, string> Environment()
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in All("ENV").SelectMany(instruction => Words(instruction.Arguments)))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new FormatException($"ENV '{pair}' is not key=value");
                }

                environment[pair[..equals]] = pair[(equals + 1)..];
            }

            return environment;
        }
    }

    internal sealed record Instruction(string Keyword, string Arguments)
    {
        /// <summary>An exec-form argument list, <c>["dotnet", "x.dll"]</c>.</summary>
        public IReadOnlyList<string> ExecForm() => ExecForm(Arguments);

        /// <summary>RUN's command with its leading <c>--mount=...</c>-style flags set apart.</summary>
        public (IReadOnlyList<string> Flags, IReadOnlyList<string> Command) RunCommand()
        {
            var words = Words(Arguments);
            var flags = words.TakeWhile(word => word.StartsWith("--", StringComparison.Ordinal)).ToList();
            return (flags, words.Skip(flags.Count).ToList());
        }

        /// <summary>HEALTHCHECK's <c>--option=value</c>s and its exec-form CMD.</summary>
        public (IReadOnlyDictionary<string, string> Options, IReadOnlyList<string> Command) HealthCheck()
        {
            var cmd = Arguments.IndexOf("CMD ", StringComparison.Ordinal);
            if (cmd < 0)
            {
                throw new FormatException($"HEALTHCHECK '{Arguments}' has no CMD");
            }

            var options = Words(Arguments[..cmd]).ToDictionary(
                option => option.Split('=')[0],
                option => option.Contains('=', StringComparison.Ordinal) ? option[(option.IndexOf('=', StringComparison.Ordinal) + 1)..] : "",
                StringComparer.Ordinal);
            return (options, ExecForm(Arguments[(cmd + 4)..]));
        }

        private static IReadOnlyList<string> ExecForm(string text) =>
            text.TrimStart().StartsWith('[')
                ? JsonSerializer.Deserialize<string[]>(text) ?? throw new FormatException($"'{text}' is not an exec-form list")
                : throw new FormatException($"'{text}' is the shell form; the exec form (a JSON array) is expected");
    }
}
