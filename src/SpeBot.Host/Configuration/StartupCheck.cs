using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SpeBot.Host.Configuration;

/// <summary>
/// Checks the whole configuration before anything starts and reports every problem as one line naming the key and the
/// fix. Run as its own process, SpeBot prints the lines to stderr and exits with code 1, without a stack trace; hosted
/// inside another process (the tests' WebApplicationFactory) it throws them as one InvalidOperationException instead,
/// since exiting would end the host process.
/// </summary>
public static partial class StartupCheck
{
    /// <summary>Every problem, one line each; empty when SpeBot may start.</summary>
    public static IReadOnlyList<string> Problems(IServiceProvider services, IConfiguration configuration)
    {
        var problems = new List<string>();
        problems.AddRange(UrlsCheck.Problems(configuration[UrlsCheck.Key]));
        problems.AddRange(PlaceholderCheck.Problems(configuration));
        foreach (var (section, type) in OptionSections.All)
        {
            if (OptionSections.Switches.Contains(section) && !configuration.GetSection(section).Exists()) continue;
            var options = services.GetService(typeof(IOptions<>).MakeGenericType(type));
            if (options is null) continue;
            try
            {
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException invalid)
            {
                problems.AddRange(invalid.Failures.Select(Unwrap));
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException bad && NotConvertible().Match(bad.Message) is { Success: true } m)
            {
                var key = m.Groups["key"].Value;
                problems.Add($"{key}: '{configuration[key]}' is not a valid {Describe(m.Groups["type"].Value)}; write {Example(m.Groups["type"].Value)}.");
            }
        }
        if (problems.Count > 0) return problems;
        // Options registered elsewhere with ValidateOnStart (a section this list does not know yet) are checked too.
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures.Select(Unwrap));
        }
        catch (AggregateException e)
        {
            problems.AddRange(e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(x => x.Failures).Select(Unwrap));
        }
        return problems;
    }

    /// <summary>True when SpeBot may start. Otherwise prints the problems (or throws them when hosted by another process).</summary>
    public static bool Passes(WebApplication app, TextWriter error)
    {
        var problems = Problems(app.Services, app.Configuration);
        if (problems.Count == 0) return true;
        if (Assembly.GetEntryAssembly() != typeof(StartupCheck).Assembly)
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        Print(problems, error);
        return false;
    }

    public static void Print(IEnumerable<string> problems, TextWriter error)
    {
        foreach (var p in problems) error.WriteLine($"Configuration error: {p}");
    }

    /// <summary>DataAnnotations wraps each message ("DataAnnotation validation failed for … with the error: '…'."); the message is the line.</summary>
    private static string Unwrap(string failure) =>
        AnnotationFailure().Match(failure) is { Success: true } m ? m.Groups["message"].Value : failure;

    private static string Describe(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "whole number",
        "System.Double" or "System.Decimal" => "number",
        "System.Boolean" => "true/false value",
        "System.DayOfWeek" => "day of the week",
        _ => type,
    };

    private static string Example(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "digits only, e.g. 5000",
        "System.Double" or "System.Decimal" => "a number such as 4 or 0.5",
        "System.Boolean" => "true or false",
        "System.DayOfWeek" => "an English day name such as Monday",
        _ => "a value of that type",
    };

    [GeneratedRegex(@"with the error: '(?<message>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex AnnotationFailure();

    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex NotConvertible();
}
