<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" session="false" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<%-- One camera, as large as the window: /view/{camera}, forwarded here by ViewServlet. It uses the
     page's WebSocket too, so a full-screen camera beside an open grid costs no HTTP connection. --%>
<c:set var="cam" value="${requestScope['camstream.camera']}"/>
<c:set var="ctx" value="${pageContext.request.contextPath}"/>
<c:set var="options" value="${requestScope['camstream.options']}"/>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title><c:out value="${cam.config().name()}"/> - camstream</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${ctx}/camstream.css">
  <script src="${ctx}/camstream-video.js" defer></script>
  <script src="${ctx}/camstream-hls.js" defer></script>
  <script src="${ctx}/camstream-socket.js" defer></script>
</head>
<c:set var="app" value="${applicationScope['camstream.Camstream']}"/>
<c:set var="hls" value="${applicationScope['camstream.hlsScript']}"/>
<body class="view" data-page-video="${app.settings().pageVideo().label()}"<c:if test="${not empty hls}"> data-hls="${ctx}${hls}"</c:if>>
<figure class="camera single" data-camera="<c:out value='${cam.id()}'/>" data-options="<c:out value='${options}'/>">
  <noscript><img src="${ctx}/stream/<c:out value='${cam.id()}'/><c:if test='${not empty options}'>?<c:out value='${options}'/></c:if>" alt="Live picture of <c:out value='${cam.config().name()}'/>"></noscript>
  <figcaption>
    <a href="${ctx}/">all cameras</a>
    <strong><c:out value="${cam.config().name()}"/></strong>
    <a href="${ctx}/snapshot/<c:out value='${cam.id()}'/>">snapshot</a>
  </figcaption>
</figure>
</body>
</html>
