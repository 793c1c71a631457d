using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Host.Slack;

namespace SpeBot.Tests.Architecture;

/// <summary>
/// Items are inserted in one place, ItemStore, which counts each new item in item_counts and lists it in item_people
/// itself on PostgreSQL, or leaves it after the settle mark for ItemSettling on SQLite (migrations 0010 and 0012, for the
/// writer's sake). A second insert elsewhere would leave lists, the digest
/// and the dashboard counting wrong, so every SQL text in SpeBot's assemblies is searched for one.
/// </summary>
public sealed partial class ItemInsertTests
{
    [Fact]
    public void OnlyItemStoreInsertsItems()
    {
        var inserts = new[] { typeof(CommandRouter).Assembly, typeof(SlackOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(Everything).Cast<MethodBase>().Concat(t.GetConstructors(Everything)).Select(m => (Type: t, Method: m)))
            .SelectMany(p => StringsIn(p.Method).Where(s => InsertIntoItems().IsMatch(s)).Select(_ => p.Type))
            .Distinct()
            .ToList();

        Assert.Contains(inserts, t => Outermost(t) == typeof(ItemStore)); // the scan sees the one insert there is
        Assert.All(inserts, t => Assert.Equal(typeof(ItemStore), Outermost(t)));
    }

    [GeneratedRegex(@"\bINSERT\s+(OR\s+\w+\s+)?INTO\s+items\b", RegexOptions.IgnoreCase)]
    private static partial Regex InsertIntoItems();

    /// <summary>Async methods and lambdas compile to nested types; the type that wrote them is the outermost one.</summary>
    private static Type Outermost(Type t)
    {
        while (t.DeclaringType is { } outer) t = outer;
        return t;
    }

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The string literals a method body loads (ldstr), from a minimal IL walk.</summary>
    private static IEnumerable<string> StringsIn(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        foreach (var (type, at) in IlOperands.Of(il))
            if (type == OperandType.InlineString) yield return method.Module.ResolveString(BitConverter.ToInt32(il, at));
    }
}
