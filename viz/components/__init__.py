"""Components of the workshop app (viz/app.py).

    session.py   WorkshopModel (runs A and B of one browser session), caps,
                 SolaraViz model_params generated from sim.params.SPECS
    controls.py  parameter inputs with units, tooltips and strategy presets
    city_map.py  the map of households in their grids (a NumPy raster)
    charts.py    the live curves (which metrics, which colours)
    svgchart.py  a small SVG line chart drawn on the server
    panels.py    the page's panels and explain mode
    explain.py   the explain texts
    export.py    CSV and PNG downloads, the workshop bar above the panels
"""
