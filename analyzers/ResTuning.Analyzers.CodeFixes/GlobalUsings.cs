// The namespaces every code fix reads, imported once here rather than at the top of each file.
global using System.Composition;
global using Microsoft.CodeAnalysis;
global using Microsoft.CodeAnalysis.CodeFixes;
global using Microsoft.CodeAnalysis.CSharp;
global using Microsoft.CodeAnalysis.CSharp.Syntax;
global using ResTuning.Generators.Diagnostics;
