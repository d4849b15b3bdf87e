<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" session="false" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="app" value="${applicationScope['camstream.Camstream']}"/>
<c:set var="ctx" value="${pageContext.request.contextPath}"/>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>camstream</title>
  <%-- Else browsers ask for /favicon.ico at the host root, outside our context path, and log a 404 --%>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${ctx}/camstream.css">
  <%-- Fills in state and fps --%>
  <script src="${ctx}/camstream.js" defer></script>
  <%-- Shows the tiles ([data-camera]) over one WebSocket, or as HLS where none reaches the page (hls.js, from
       data-hls, is loaded then only); without JavaScript the <noscript> streams show --%>
  <script src="${ctx}/camstream-video.js" defer></script>
  <script src="${ctx}/camstream-hls.js" defer></script>
  <script src="${ctx}/camstream-socket.js" defer></script>
</head>
<c:set var="hls" value="${applicationScope['camstream.hlsScript']}"/>
<body data-status="${ctx}/status" data-events="${ctx}/events" data-page-video="${app.settings().pageVideo().label()}"<c:if test="${not empty hls}"> data-hls="${ctx}${hls}"</c:if>>
<header><h1>camstream</h1></header>
<main>
  <c:choose>
    <c:when test="${empty app}">
      <p class="problem">camstream is not running. The server log says why.</p>
    </c:when>
    <c:otherwise>
      <div class="grid">
      <c:forEach items="${app.cameras()}" var="cam">
        <c:set var="st" value="${cam.status()}"/>
        <figure class="camera" id="camera-<c:out value='${cam.id()}'/>" data-camera="<c:out value='${cam.id()}'/>" data-state="${st.state().label()}">
          <noscript><img src="${ctx}/stream/<c:out value='${cam.id()}'/>"
               alt="Live picture of <c:out value='${cam.config().name()}'/>"></noscript>
          <figcaption>
            <strong class="name"><c:out value="${cam.config().name()}"/></strong>
            <span class="status ${st.failing() ? 'problem' : ''}" data-state="${st.state().label()}"><c:out value="${st.failing() ? st.publicReason() : st.publicSource()}"/></span>
            <span class="fps"></span>
            <c:if test="${cam.motion() != null}"><span class="motion"${cam.motion().moving() ? '' : ' hidden'}>motion</span></c:if>
            <span class="actions">
              <a class="button" href="${ctx}/snapshot/<c:out value='${cam.id()}'/>">snapshot</a>
              <a class="button fullscreen" href="${ctx}/view/<c:out value='${cam.id()}'/>">full screen</a>
              <c:if test="${not empty app.recordings().library().folder(cam.id())}"><a class="button recordings" href="${ctx}/recordings.jsp?camera=<c:out value='${cam.id()}'/>">recordings</a></c:if>
            </span>
          </figcaption>
        </figure>
      </c:forEach>
      </div>
    </c:otherwise>
  </c:choose>
</main>
</body>
</html>
