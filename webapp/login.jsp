<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" session="false" %>
<%-- The FORM login page of README's security descriptor; browsers only (curl and cameras clients use BASIC or DIGEST) --%>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>camstream: log in</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${pageContext.request.contextPath}/camstream.css">
</head>
<body>
<header><h1>camstream</h1></header>
<main>
  <form class="login" method="post" action="${pageContext.request.contextPath}/j_security_check">
    <% if (request.getParameter("failed") != null) { %><p class="problem">Wrong user name or password.</p><% } %>
    <label>User name <input name="j_username" autocomplete="username" required autofocus></label>
    <label>Password <input name="j_password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Log in</button>
  </form>
</main>
</body>
</html>
