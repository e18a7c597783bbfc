<?xml version="1.0" encoding="UTF-8"?>
<!--
  Minimal ISO Schematron (queryBinding xslt2) to XSLT 3.0 compiler, written for Samverkan.
  It covers exactly the subset the Peppol BIS Billing 3.0 and CEN EN 16931 UBL rule files use,
  the way the ISO "skeleton" does it:
  - sch:ns        -> namespace declarations on the generated stylesheet
  - xsl:function  -> copied verbatim
  - schema- and pattern-level sch:let -> global xsl:variable; rule-level sch:let -> local variable
  - one mode per sch:pattern; each sch:rule is a template in that mode whose priority falls in
    document order, so only the first matching rule of a pattern fires
  - sch:assert / sch:report -> svrl:failed-assert / svrl:successful-report with id, flag, location
  Phases, abstract rules/patterns, includes and diagnostics are not supported (not used by the
  rule files). Output is SVRL.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:axsl="urn:samverkan:alias:xsl"
  xmlns:sch="http://purl.oclc.org/dsdl/schematron"
  xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  exclude-result-prefixes="sch xs">

  <xsl:namespace-alias stylesheet-prefix="axsl" result-prefix="xsl"/>
  <xsl:output method="xml" indent="yes"/>

  <xsl:template match="/sch:schema">
    <axsl:stylesheet version="3.0">
      <xsl:for-each select="sch:ns">
        <xsl:namespace name="{@prefix}" select="string(@uri)"/>
      </xsl:for-each>
      <xsl:namespace name="svrl" select="'http://purl.oclc.org/dsdl/svrl'"/>
      <xsl:attribute name="exclude-result-prefixes" select="string-join((sch:ns/@prefix), ' ')"/>

      <axsl:output method="xml" indent="no"/>

      <!-- Functions, verbatim. -->
      <xsl:copy-of select="xsl:function"/>

      <!-- Schema-level and pattern-level lets become global variables. -->
      <xsl:for-each select="sch:let | sch:pattern/sch:let">
        <axsl:variable name="{@name}" select="{@value}"/>
      </xsl:for-each>

      <axsl:template match="/">
        <svrl:schematron-output title="{sch:escape-avt(string(sch:title))}" schemaVersion="{@schemaVersion}">
          <xsl:for-each select="sch:pattern">
            <svrl:active-pattern document="{{document-uri(/)}}">
              <xsl:if test="@id">
                <xsl:attribute name="id" select="@id"/>
              </xsl:if>
            </svrl:active-pattern>
            <axsl:apply-templates select="/" mode="{sch:mode(.)}"/>
          </xsl:for-each>
        </svrl:schematron-output>
      </axsl:template>

      <xsl:apply-templates select="sch:pattern"/>
    </axsl:stylesheet>
  </xsl:template>

  <xsl:template match="sch:pattern">
    <xsl:variable name="mode" select="sch:mode(.)"/>
    <xsl:variable name="ruleCount" select="count(sch:rule)"/>
    <xsl:for-each select="sch:rule">
      <axsl:template match="{@context}" priority="{1000 + $ruleCount - position()}" mode="{$mode}">
        <xsl:for-each select="sch:let">
          <axsl:variable name="{@name}" select="{@value}"/>
        </xsl:for-each>
        <xsl:apply-templates select="sch:assert | sch:report"/>
        <axsl:apply-templates select="@*|*" mode="{$mode}"/>
      </axsl:template>
    </xsl:for-each>
    <axsl:template match="text()" priority="-1" mode="{$mode}"/>
    <axsl:template match="@*|node()" priority="-2" mode="{$mode}">
      <axsl:apply-templates select="@*|*" mode="{$mode}"/>
    </axsl:template>
  </xsl:template>

  <xsl:template match="sch:assert | sch:report">
    <xsl:variable name="isAssert" select="exists(self::sch:assert)"/>
    <axsl:if test="{if ($isAssert) then concat('not(', @test, ')') else @test}">
      <xsl:element name="{if ($isAssert) then 'svrl:failed-assert' else 'svrl:successful-report'}"
        namespace="http://purl.oclc.org/dsdl/svrl">
        <xsl:attribute name="id" select="@id"/>
        <xsl:attribute name="flag" select="(@flag, @role, 'error')[1]"/>
        <xsl:attribute name="test" select="sch:escape-avt(@test)"/>
        <xsl:attribute name="location">{path()}</xsl:attribute>
        <svrl:text>
          <xsl:apply-templates select="node()" mode="message"/>
        </svrl:text>
      </xsl:element>
    </axsl:if>
  </xsl:template>

  <xsl:template match="text()" mode="message">
    <xsl:copy/>
  </xsl:template>
  <xsl:template match="sch:value-of" mode="message">
    <axsl:value-of select="{@select}"/>
  </xsl:template>
  <xsl:template match="sch:name" mode="message">
    <axsl:value-of select="{if (@path) then @path else 'name()'}"/>
  </xsl:template>
  <xsl:template match="*" mode="message">
    <xsl:apply-templates select="node()" mode="message"/>
  </xsl:template>

  <!-- Text copied into an attribute of a literal result element in the generated stylesheet is read
       as an attribute value template there: double the curly braces (regex quantifiers such as {3,}).
       (select/test/match attributes of XSLT instructions are not AVTs and are copied as they are.) -->
  <xsl:function name="sch:escape-avt" as="xs:string">
    <xsl:param name="text" as="xs:string?"/>
    <xsl:sequence select="replace(replace(string($text), '\{', '{{'), '\}', '}}')"/>
  </xsl:function>

  <xsl:function name="sch:mode" as="xs:string">
    <xsl:param name="pattern" as="element(sch:pattern)"/>
    <xsl:sequence select="'M' || count($pattern/preceding-sibling::sch:pattern)"/>
  </xsl:function>
</xsl:stylesheet>
