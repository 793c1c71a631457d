using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SpeBot.Core;

/// <summary>
/// Options binding where a configured list replaces the default rather than extending it. The configuration binder
/// appends configured elements to an array or list that already holds its default, so a deployment listing only its
/// own Connector would still accept the built-in hosts, and a custom vote reaction would still leave +1 counting.
/// </summary>
public static class OptionsLists
{
    public static OptionsBuilder<T> BindConfigurationReplacingLists<T>(this OptionsBuilder<T> builder, string section) where T : class
    {
        builder.BindConfiguration(section);
        builder.Configure<IConfiguration>((options, config) => ReplaceLists(options, config.GetSection(section)));
        return builder;
    }

    /// <summary>Every list property the section sets is bound again onto a fresh list, so only the configured elements remain.</summary>
    internal static void ReplaceLists(object options, IConfiguration section)
    {
        foreach (var p in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!p.CanWrite || p.PropertyType == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(p.PropertyType)) continue;
            var configured = section.GetSection(p.Name);
            if (!configured.GetChildren().Any()) continue;
            p.SetValue(options, configured.Get(p.PropertyType));
        }
    }
}
