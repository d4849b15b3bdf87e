<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" session="false" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<%-- Motion events and recordings per camera (?camera=ID: that camera only), newest first, with a player.
     camstream-recordings.js fills the lists from /recordings/{camera} and /status and keeps them current. --%>
<c:set var="app" value="${applicationScope['camstream.Camstream']}"/>
<c:set var="ctx" value="${pageContext.request.contextPath}"/>
<c:set var="only" value="${param.camera}"/>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Recordings - camstream</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${ctx}/camstream.css">
  <script src="${ctx}/camstream-recordings.js" defer></script>
</head>
<body class="recordings" data-context="${ctx}">
<header><h1><a href="${ctx}/">camstream</a> · recordings</h1></header>
<main>
  <c:choose>
    <c:when test="${empty app}">
      <p class="problem">camstream is not running. The server log says why.</p>
    </c:when>
    <c:otherwise>
      <section class="player" hidden>
        <h2 class="title"></h2>
        <video controls playsinline hidden></video>
        <div class="avi" hidden>
          <img alt="Recording">
          <input class="seek" type="range" min="0" step="0.1" value="0" aria-label="Position in the recording">
          <span class="time"></span>
        </div>
        <p class="actions">
          <a class="button download" href="#">download</a>
          <button type="button" class="delete">delete</button>
          <button type="button" class="close">close</button>
          <span class="answer"></span>
        </p>
      </section>
      <c:forEach items="${app.cameras()}" var="cam">
        <c:if test="${empty only or only eq cam.id()}">
        <section class="camera-recordings" data-camera="<c:out value='${cam.id()}'/>">
          <h2><c:out value="${cam.config().name()}"/></h2>
          <p class="controls">
            <button type="button" data-control="record" data-action="start">record now</button>
            <button type="button" data-control="record" data-action="stop">stop</button>
            <button type="button" data-control="timelapse" data-action="start">time-lapse start</button>
            <button type="button" data-control="timelapse" data-action="stop">time-lapse stop</button>
            <span class="answer"></span>
          </p>
          <div class="columns">
            <div>
              <h3>Motion events</h3>
              <ol class="events"><li class="none">none</li></ol>
            </div>
            <div>
              <h3>Recordings</h3>
              <ol class="list"><li class="none">none</li></ol>
            </div>
          </div>
        </section>
        </c:if>
      </c:forEach>
    </c:otherwise>
  </c:choose>
</main>
</body>
</html>
