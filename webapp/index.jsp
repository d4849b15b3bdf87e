<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" session="false" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="app" value="${applicationScope['camstream.Camstream']}"/>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>camstream</title>
  <%-- Else browsers ask for /favicon.ico at the host root, outside our context path, and log a 404 --%>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${pageContext.request.contextPath}/camstream.css">
  <%-- Shows the tiles ([data-camera]) over one WebSocket; without JavaScript the <noscript> streams show --%>
  <script src="${pageContext.request.contextPath}/camstream-socket.js" defer></script>
</head>
<body>
<header><h1>camstream</h1></header>
<main>
  <c:choose>
    <c:when test="${empty app}">
      <p class="problem">camstream is not running. The server log says why.</p>
    </c:when>
    <c:otherwise>
      <c:forEach items="${app.cameras()}" var="cam">
        <figure class="camera" id="camera-<c:out value='${cam.id}'/>" data-camera="<c:out value='${cam.id}'/>">
          <noscript><img src="${pageContext.request.contextPath}/stream/<c:out value='${cam.id}'/>"
               alt="Live picture of <c:out value='${cam.name}'/>"></noscript>
          <c:set var="st" value="${cam.status}"/>
          <figcaption>
            <strong><a href="${pageContext.request.contextPath}/view/<c:out value='${cam.id}'/>"><c:out value="${cam.name}"/></a></strong>
            <span class="status ${st.failing ? 'problem' : ''}" data-state="${st.state}"><c:out value="${st.failing ? st.reason : st.source}"/></span>
            <a href="${pageContext.request.contextPath}/snapshot/<c:out value='${cam.id}'/>">snapshot</a>
          </figcaption>
        </figure>
      </c:forEach>
    </c:otherwise>
  </c:choose>
</main>
</body>
</html>
