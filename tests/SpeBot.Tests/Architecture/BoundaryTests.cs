using System.Reflection;
using System.Reflection.Emit;
using SpeBot.Core.Commands;
using SpeBot.Host.Slack;

namespace SpeBot.Tests.Architecture;

/// <summary>The one boundary worth enforcing: the core never sees a Slack or Teams type, and the adapters never see each other.</summary>
public sealed class BoundaryTests
{
    private static readonly Assembly Core = typeof(CommandRouter).Assembly;
    private static readonly Assembly Host = typeof(SlackOptions).Assembly;

    [Fact]
    public void CoreReferencesNoAspNetCoreHostOrQuartzAssembly()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.Contains("Dapper", references); // the list is real, not empty
        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, n => n.StartsWith("SpeBot.Host", StringComparison.Ordinal));
        Assert.DoesNotContain(references, n => n.StartsWith("Quartz", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreTypesLiveOnlyInPlatformNeutralNamespaces()
    {
        var types = Core.GetTypes();

        Assert.Contains(types, t => t.Namespace == "SpeBot.Core.Commands");
        Assert.All(types.Where(t => t.Namespace is not null), t =>
        {
            Assert.StartsWith("SpeBot.Core", t.Namespace!, StringComparison.Ordinal);
            Assert.DoesNotContain("Slack", t.Namespace!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Teams", t.Namespace!, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void CoreTypesUseNoSlackOrTeamsTypeFromAnyAssembly()
    {
        var offenders = Core.GetTypes()
            .SelectMany(t => ReferencedTypes(t).Select(r => (From: t, To: r)))
            .Where(p => p.To.Namespace is { } ns && (ns.Contains("Slack", StringComparison.Ordinal) || ns.Contains("Teams", StringComparison.Ordinal)))
            .Select(p => $"{p.From.FullName} → {p.To.FullName}")
            .Distinct()
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void ReferenceScannerSeesWhatSlackTypesUse()
    {
        // Proves the scanner below finds references in signatures and method bodies, so an empty result means something.
        var used = TypesIn("SpeBot.Host.Slack").SelectMany(ReferencedTypes).ToHashSet();

        Assert.Contains(typeof(CommandRouter), used); // a constructor parameter
        Assert.Contains(typeof(SpeBot.Core.Items.Category), used); // a static class: only ever a call inside a method body
    }

    [Theory]
    [InlineData("SpeBot.Host.Slack", "SpeBot.Host.Teams")]
    [InlineData("SpeBot.Host.Teams", "SpeBot.Host.Slack")]
    public void PlatformAdaptersNeverReferenceEachOther(string from, string to)
    {
        // While SpeBot.Host.Teams does not exist yet the Teams → Slack case has no types to scan;
        // it starts guarding as soon as the Teams adapter lands.
        var offenders = TypesIn(from)
            .SelectMany(t => ReferencedTypes(t).Select(r => (From: t, To: r)))
            .Where(p => p.To.Namespace is { } ns && (ns == to || ns.StartsWith(to + ".", StringComparison.Ordinal)))
            .Select(p => $"{p.From.FullName} → {p.To.FullName}")
            .Distinct()
            .ToList();

        Assert.Empty(offenders);
    }

    private static IEnumerable<Type> TypesIn(string ns) =>
        Host.GetTypes().Where(t => t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal)));

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Types a type mentions: base, interfaces, member signatures and every type, field or method token in its IL.</summary>
    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t)) return;
            if (t.HasElementType) Add(t.GetElementType());
            if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) Add(a);
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var f in type.GetFields(Everything)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Everything)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            foreach (var member in MembersUsedBy(m))
            {
                switch (member)
                {
                    case Type t: Add(t); break;
                    case FieldInfo f: Add(f.DeclaringType); Add(f.FieldType); break;
                    case MethodBase mb:
                        Add(mb.DeclaringType);
                        if (mb is MethodInfo called) Add(called.ReturnType);
                        foreach (var p in mb.GetParameters()) Add(p.ParameterType);
                        if (mb.IsGenericMethod) foreach (var a in mb.GetGenericArguments()) Add(a);
                        break;
                }
            }
        }
        return found;
    }

    /// <summary>Resolves the metadata tokens in a method body (a minimal IL walk; enough to see which members it touches).</summary>
    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        foreach (var (type, at) in IlOperands.Of(il))
        {
            if (type is not (OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)) continue;
            MemberInfo? member;
            try { member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArgs, methodArgs); }
            catch (ArgumentException) { member = null; }
            if (member is not null) yield return member;
        }
    }
}
